package dev.gantry.provider.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;

/**
 * Small facts of the Messages API shared by the translating decoder and the byte relay:
 * usage fields (PROTOCOLS.md 5.9), stop reasons (5.8) and the in-band error event (7.1).
 */
final class AnthropicWire {

    private AnthropicWire() {}

    /**
     * Running token counts of one answer. {@code message_start} brings input and cache counts,
     * {@code message_delta} the cumulative output (and, on newer API versions, input again).
     */
    static final class Tokens {
        private long input;
        private long cacheRead;
        private long cacheWrite;
        private long output;
        private boolean seen;

        /** Takes whatever counts {@code usage} holds; absent fields keep their earlier value. */
        void add(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return;
            }
            seen = true;
            input = longOr(usage, "input_tokens", input);
            cacheRead = longOr(usage, "cache_read_input_tokens", cacheRead);
            cacheWrite = longOr(usage, "cache_creation_input_tokens", cacheWrite);
            output = longOr(usage, "output_tokens", output);
        }

        boolean seen() {
            return seen;
        }

        /** Canonical usage: Anthropic's {@code input_tokens} excludes cache reads and writes, ours includes them. */
        Usage usage() {
            return new Usage(input + cacheRead + cacheWrite, output, false);
        }

        private static long longOr(JsonNode usage, String field, long fallback) {
            JsonNode n = usage.get(field);
            return n != null && n.isNumber() ? n.asLong() : fallback;
        }
    }

    static FinishReason finish(String stopReason) {
        if (stopReason == null) {
            return FinishReason.STOP;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP; // end_turn, stop_sequence, pause_turn and anything newer
        };
    }

    /** An {@code event: error} payload {@code {"type":"error","error":{"type","message"}}} as a gateway error. */
    static GatewayError streamError(JsonNode payload, String deploymentId) {
        JsonNode error = payload == null ? null : payload.path("error");
        String type = error == null ? "" : error.path("type").asText("");
        String message = error == null ? "" : error.path("message").asText("");
        ErrorKind kind = switch (type) {
            case "overloaded_error" -> ErrorKind.OVERLOADED;
            case "timeout_error" -> ErrorKind.UPSTREAM_TIMEOUT;
            default -> ErrorKind.UPSTREAM_ERROR;
        };
        String text = "The upstream " + deploymentId + " failed mid-stream"
                + (message.isEmpty() ? "." : ": " + GatewayError.quote(message));
        return GatewayError.of(kind, text);
    }

    /** Parses one event's JSON; anything else is a broken stream. */
    static JsonNode parse(String data, String deploymentId) {
        try {
            JsonNode node = Json.MAPPER.readTree(data);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception ignored) {
            // reported below
        }
        throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deploymentId + " sent a stream event that is not a JSON object.");
    }

    /**
     * Reads only the top-level {@code usage} of a whole Messages response, skipping the content
     * with the streaming parser (the relay must not build a tree of the answer).
     *
     * @return the usage, or null when there is none or the bytes are not a JSON object
     */
    static Usage scanUsage(byte[] json) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    Tokens tokens = new Tokens();
                    tokens.add(p.readValueAsTree());
                    return tokens.usage();
                }
                p.skipChildren();
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
