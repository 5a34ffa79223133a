package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/** Small pieces of the Messages response shape shared by the streaming and whole writers. */
final class AnthropicJson {

    private AnthropicJson() {}

    static String messageId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "msg_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    static void messageHead(JsonGenerator g, String id, String model) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model);
    }

    /**
     * Canonical usage has no cache split, so all input counts as {@code input_tokens} and the
     * cache fields are 0 (PROTOCOLS.md section 5.9: input_tokens = total − cache read − cache write).
     */
    static void usage(JsonGenerator g, long inputTokens, long outputTokens) throws IOException {
        g.writeStartObject();
        g.writeNumberField("input_tokens", inputTokens);
        g.writeNumberField("cache_creation_input_tokens", 0);
        g.writeNumberField("cache_read_input_tokens", 0);
        g.writeNumberField("output_tokens", outputTokens);
        g.writeEndObject();
    }
}
