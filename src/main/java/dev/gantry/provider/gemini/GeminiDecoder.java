package dev.gantry.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.UpstreamErrors;
import dev.gantry.route.Deployment;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GenerateContentResponse} objects → canonical chunks. The same decoder reads each SSE
 * event of {@code streamGenerateContent?alt=sse} (each holds only the new parts) and the one
 * object of {@code generateContent}. Gemini sends tool calls whole and ends tool turns with
 * {@code STOP}, so calls are numbered here and the finish becomes {@code TOOL_CALLS} when any
 * were seen. {@code usageMetadata} is cumulative: the latest one is reported with the finish.
 */
final class GeminiDecoder {

    private static final Logger log = LoggerFactory.getLogger(GeminiDecoder.class);

    private final Deployment deployment;
    private int nextToolIndex;
    private boolean sawContent;
    private boolean complete;
    private Usage usage;

    GeminiDecoder(Deployment deployment) {
        this.deployment = deployment;
    }

    /** True once a {@code finishReason} or a prompt {@code blockReason} arrived; a stream ending before that is truncated. */
    boolean isComplete() {
        return complete;
    }

    /** True once any text, reasoning or tool call was decoded. */
    boolean sawContent() {
        return sawContent;
    }

    /**
     * @return the chunk, or null when the object carries nothing new
     * @throws GatewayError for an in-band error object, or a finish that means "no valid answer" before any content
     */
    ChatChunk decode(JsonNode response) {
        if (response == null || !response.isObject()) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deployment.id() + " sent a response that is not a JSON object.");
        }
        JsonNode error = response.get("error");
        if (error != null && error.isObject()) {
            int code = error.path("code").asInt(500);
            throw UpstreamErrors.fromStatus(deployment, code < 400 ? 500 : code, null, Buffer.buffer(response.toString()));
        }
        JsonNode meta = response.get("usageMetadata");
        if (meta != null && meta.isObject()) {
            usage = new Usage(meta.path("promptTokenCount").asLong(0),
                    meta.path("candidatesTokenCount").asLong(0) + meta.path("thoughtsTokenCount").asLong(0), false);
        }
        boolean wasComplete = complete;
        String blockReason = response.path("promptFeedback").path("blockReason").asText(null);
        if (blockReason != null && response.path("candidates").isEmpty()) {
            complete = true;
            return new ChatChunk(null, null, List.of(), FinishReason.CONTENT_FILTER, usage);
        }
        JsonNode candidate = response.path("candidates").path(0);
        StringBuilder text = null;
        StringBuilder reasoning = null;
        List<ToolCallDelta> calls = List.of();
        for (JsonNode part : candidate.path("content").path("parts")) {
            JsonNode fc = part.get("functionCall");
            if (fc != null && fc.isObject()) {
                if (calls.isEmpty()) {
                    calls = new ArrayList<>(2);
                }
                JsonNode args = fc.get("args");
                calls.add(new ToolCallDelta(nextToolIndex++,
                        GeminiCallIds.forCall(fc.path("id").asText(null), part.path("thoughtSignature").asText(null)),
                        fc.path("name").asText(""), args == null || args.isNull() ? "{}" : args.toString()));
                continue;
            }
            JsonNode t = part.get("text");
            if (t != null && t.isTextual() && !t.asText().isEmpty()) {
                if (part.path("thought").asBoolean(false)) {
                    reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(t.asText());
                } else {
                    text = (text == null ? new StringBuilder() : text).append(t.asText());
                }
            }
            // inlineData, executableCode, codeExecutionResult: nothing a chat client can be given
        }
        boolean content = text != null || reasoning != null || !calls.isEmpty();
        sawContent |= content;
        FinishReason finish = null;
        String reason = candidate.path("finishReason").asText(null);
        if (reason != null && !complete) {
            complete = true;
            finish = finishReason(reason);
            if (finish == FinishReason.ERROR && !sawContent) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deployment.id()
                        + " could not produce a valid answer (" + reason + ").");
            }
        }
        // Usage goes with the finish, and again if a later object updates it.
        Usage reported = finish != null || (wasComplete && meta != null) ? usage : null;
        if (!content && finish == null && reported == null) {
            return null;
        }
        return new ChatChunk(text == null ? null : text.toString(), reasoning == null ? null : reasoning.toString(),
                calls, finish, reported);
    }

    /** PROTOCOLS.md 5.8. */
    private FinishReason finishReason(String reason) {
        return switch (reason) {
            case "STOP", "LANGUAGE", "OTHER", "FINISH_REASON_UNSPECIFIED" -> nextToolIndex > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE" -> FinishReason.CONTENT_FILTER;
            case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS" -> FinishReason.ERROR;
            default -> {
                log.warn("Unknown Gemini finishReason {} from {}; reporting stop", reason, deployment.id());
                yield nextToolIndex > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            }
        };
    }
}
