package dev.gantry.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.framing.SseEvent;
import java.util.ArrayList;
import java.util.List;

/** OpenAI-style SSE events → canonical chunks; tolerates the variants of compatible servers (PROTOCOLS.md 4.1). */
final class OpenAiStreamDecoder {

    private boolean finished;
    private boolean done;

    /** True once {@code [DONE]} arrived or a finish reason was seen (some servers omit [DONE]). */
    boolean isComplete() {
        return done || finished;
    }

    boolean sawDone() {
        return done;
    }

    /** @return the chunk, or null for events that carry nothing (e.g. [DONE], empty choices without usage) */
    ChatChunk decode(SseEvent event) {
        if (event.error() != null) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream failed mid-stream: " + errorMessage(event.error()));
        }
        String data = event.data();
        if (data == null) {
            return null;
        }
        if (data.equals("[DONE]")) {
            done = true;
            return null;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(data);
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a stream event that is not JSON.");
        }
        if (node.has("error") || "error".equals(event.event())) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream failed mid-stream: " + errorMessage(data));
        }
        Usage usage = null;
        JsonNode u = node.get("usage");
        if (u != null && u.isObject()) {
            usage = new Usage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0), false);
        }
        JsonNode choices = node.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            return usage == null ? null : new ChatChunk(null, null, List.of(), null, usage);
        }
        JsonNode choice = choices.get(0);
        JsonNode delta = choice.path("delta");
        String text = textOrNull(delta.get("content"));
        String reasoning = textOrNull(delta.get("reasoning_content"));
        if (reasoning == null) {
            reasoning = textOrNull(delta.get("reasoning"));
        }
        List<ToolCallDelta> calls = List.of();
        JsonNode tc = delta.get("tool_calls");
        if (tc != null && tc.isArray() && !tc.isEmpty()) {
            calls = new ArrayList<>(tc.size());
            for (JsonNode call : tc) {
                JsonNode fn = call.path("function");
                calls.add(new ToolCallDelta(call.path("index").asInt(0), textOrNull(call.get("id")),
                        textOrNull(fn.get("name")), fn.path("arguments").asText("")));
            }
        }
        FinishReason finish = null;
        JsonNode fr = choice.get("finish_reason");
        if (fr != null && fr.isTextual()) {
            finished = true;
            finish = switch (fr.asText()) {
                case "length" -> FinishReason.LENGTH;
                case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
                case "content_filter" -> FinishReason.CONTENT_FILTER;
                default -> FinishReason.STOP;
            };
        }
        if (text == null && reasoning == null && calls.isEmpty() && finish == null && usage == null) {
            return null;
        }
        return new ChatChunk(text, reasoning, calls, finish, usage);
    }

    private static String errorMessage(String json) {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            JsonNode e = n.has("error") ? n.get("error") : n;
            return e.isTextual() ? e.asText() : e.path("message").asText("unknown error");
        } catch (Exception ex) {
            return "unknown error";
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty()) ? null : n.asText();
    }
}
