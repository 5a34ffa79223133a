package dev.gantry.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.ToolCallIds;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the lines of an Ollama {@code /api/chat} NDJSON stream into canonical chunks. Ollama
 * sends each tool call whole and ends tool turns with {@code done_reason: "stop"}, so the decoder
 * numbers the calls itself and reports {@code TOOL_CALLS} when it saw any.
 */
final class OllamaStreamDecoder {

    private int nextToolIndex;
    private boolean done;

    boolean isDone() {
        return done;
    }

    /** @throws GatewayError for an in-band {"error": ...} line or a line that is not JSON */
    ChatChunk decode(Buffer line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line.getBytes());
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a stream line that is not JSON.");
        }
        if (node == null || !node.isObject()) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a stream line that is not a JSON object.");
        }
        JsonNode error = node.get("error");
        if (error != null) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream failed mid-stream: " + error.asText());
        }
        JsonNode message = node.path("message");
        String text = textOrNull(message.get("content"));
        String reasoning = textOrNull(message.get("thinking"));
        List<ToolCallDelta> calls = List.of();
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            calls = new ArrayList<>(toolCalls.size());
            for (JsonNode call : toolCalls) {
                JsonNode fn = call.path("function");
                String id = textOrNull(call.get("id"));
                JsonNode args = fn.get("arguments");
                String argsJson = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
                calls.add(new ToolCallDelta(nextToolIndex++, id == null ? ToolCallIds.synthesise() : id,
                        fn.path("name").asText(""), argsJson));
            }
        }
        FinishReason finish = null;
        Usage usage = null;
        if (node.path("done").asBoolean(false)) {
            done = true;
            String reason = node.path("done_reason").asText("stop");
            finish = "length".equals(reason) ? FinishReason.LENGTH
                    : nextToolIndex > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            usage = new Usage(node.path("prompt_eval_count").asLong(0), node.path("eval_count").asLong(0), false);
        }
        return new ChatChunk(text, reasoning, calls, finish, usage);
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty()) ? null : n.asText();
    }
}
