package dev.gantry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Routing tags may also come in the body as {@code metadata.tags} (an array of strings or one
 * comma-separated string), the way LiteLLM clients send them. They join the header's tags, and
 * are taken out of a body that is relayed as it is: OpenAI accepts only string metadata values.
 */
final class RequestTags {

    private static final int MAX_TAGS = 32;

    private RequestTags() {}

    static void apply(Exchange exchange, ChatCall call) {
        JsonNode metadata = call.request().extra().get("metadata");
        if (metadata == null || !metadata.has("tags")) {
            return;
        }
        JsonNode tags = metadata.get("tags");
        Set<String> found = new LinkedHashSet<>();
        if (tags.isArray()) {
            for (JsonNode t : tags) {
                add(found, t.asText(""));
            }
        } else if (tags.isTextual()) {
            for (String t : tags.asText().split(",")) {
                add(found, t);
            }
        }
        exchange.hints(exchange.hints().withTags(found));
        if (call.rawBody() != null && call.rawBody().get("metadata") instanceof ObjectNode relayed) {
            relayed.remove("tags");
            if (relayed.isEmpty()) {
                call.rawBody().remove("metadata");
            }
        }
    }

    private static void add(Set<String> into, String tag) {
        String t = tag.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && into.size() < MAX_TAGS) {
            into.add(t);
        }
    }
}
