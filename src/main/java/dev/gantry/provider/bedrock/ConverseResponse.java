package dev.gantry.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import java.util.ArrayList;
import java.util.List;

/** A whole Converse answer → one canonical chunk, plus the mappings the stream decoder shares (sections 5.8, 5.9). */
final class ConverseResponse {

    private ConverseResponse() {}

    /** @param jsonTool true when JSON output was emulated: that tool's input is the answer text */
    static ChatChunk decode(JsonNode node, boolean jsonTool) {
        JsonNode content = node.path("output").path("message").path("content");
        if (!content.isArray()) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a Converse answer without output.message.content.");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = null;
        List<ToolCallDelta> calls = new ArrayList<>();
        boolean unwrapped = false;
        for (JsonNode block : content) {
            if (block.path("text").isTextual()) {
                text.append(block.path("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.path("toolUse");
                String input = use.path("input").isMissingNode() ? "{}" : use.path("input").toString();
                if (jsonTool && ConverseCodec.JSON_TOOL.equals(use.path("name").asText())) {
                    text.append(input);
                    unwrapped = true;
                } else {
                    calls.add(new ToolCallDelta(calls.size(), use.path("toolUseId").asText(null), use.path("name").asText(""), input));
                }
            } else if (block.path("reasoningContent").path("reasoningText").path("text").isTextual()) {
                if (reasoning == null) {
                    reasoning = new StringBuilder();
                }
                reasoning.append(block.path("reasoningContent").path("reasoningText").path("text").asText());
            }
        }
        String stop = node.path("stopReason").asText("end_turn");
        boolean any = !text.isEmpty() || !calls.isEmpty();
        FinishReason finish = unwrapped ? FinishReason.STOP : finish(stop, any);
        return new ChatChunk(text.isEmpty() ? null : text.toString(), reasoning == null ? null : reasoning.toString(),
                calls, finish, usage(node.path("usage")));
    }

    /**
     * Bedrock's stop reason in canonical terms. A malformed answer before any content is an error
     * response; after content it ends the answer as far as it got (PROTOCOLS.md 5.8).
     */
    static FinishReason finish(String stopReason, boolean contentSeen) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            case "malformed_model_output", "malformed_tool_use" -> {
                if (!contentSeen) {
                    throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream model produced malformed output (" + stopReason + ").");
                }
                yield FinishReason.ERROR;
            }
            default -> FinishReason.STOP; // end_turn, stop_sequence and anything new
        };
    }

    /** Input counts cache reads and writes too, as Gantry's input total does (section 5.9). */
    static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        long input = u.path("inputTokens").asLong(0) + u.path("cacheReadInputTokens").asLong(0) + u.path("cacheWriteInputTokens").asLong(0);
        return new Usage(input, u.path("outputTokens").asLong(0), false);
    }
}
