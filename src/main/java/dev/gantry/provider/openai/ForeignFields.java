package dev.gantry.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * Which pass-along fields OpenAI's own API accepts. A request that came in through the Anthropic or
 * Ollama surface carries fields of those APIs ({@code top_k}, {@code thinking}, Anthropic's
 * {@code metadata}...); api.openai.com and Azure answer 400 to fields they do not know, so those
 * are dropped there (PROTOCOLS.md §5.11). Self-hosted compatible servers get everything.
 */
final class ForeignFields {

    /** Fields of other APIs, or tuning OpenAI does not have: always dropped for OpenAI itself. */
    private static final Set<String> FOREIGN = Set.of(
            "top_k", "thinking", "cache_control", "anthropic_version", "anthropic_beta", "container", "mcp_servers",
            "keep_alive", "options", "format", "think", "raw", "template", "context", "suffix", "images");

    private static final Set<String> SERVICE_TIERS = Set.of("auto", "default", "flex", "priority", "scale");

    private ForeignFields() {}

    static boolean acceptedByOpenAi(String name, JsonNode value, Map<String, JsonNode> all) {
        if (FOREIGN.contains(name)) {
            return false;
        }
        return switch (name) {
            // OpenAI's metadata is a map of strings, and only allowed with store: true.
            case "metadata" -> all.containsKey("store") && all.get("store").asBoolean(false) && stringMap(value);
            case "service_tier" -> value.isTextual() && SERVICE_TIERS.contains(value.asText());
            default -> true;
        };
    }

    private static boolean stringMap(JsonNode value) {
        if (!value.isObject()) {
            return false;
        }
        for (JsonNode v : value) {
            if (!v.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
