package dev.gantry.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.ToolCallIds;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * ConverseStream messages → canonical chunks (PROTOCOLS.md 4.5, 7.1). Tool calls are numbered
 * by their order among tool blocks, not by Bedrock's block index, which counts text blocks too.
 * Exception and error messages become a {@link GatewayError}; the stream is complete once
 * {@code messageStop} arrived ({@code metadata} with usage follows it, but is not required).
 */
final class ConverseStreamDecoder {

    private final boolean jsonTool;
    private final Map<Integer, Integer> toolByBlock = new HashMap<>();
    private int jsonBlock = -1;
    private boolean contentSeen;
    private boolean stopped;

    /** @param jsonTool true when JSON output was emulated: that tool's input streams as text */
    ConverseStreamDecoder(boolean jsonTool) {
        this.jsonTool = jsonTool;
    }

    boolean isComplete() {
        return stopped;
    }

    /** @return the chunk, or null for messages that carry nothing for the client */
    ChatChunk decode(Message message) {
        String type = header(message, ":message-type");
        if ("exception".equals(type)) {
            throw exception(header(message, ":exception-type"), payloadMessage(message));
        }
        if ("error".equals(type)) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream stream failed: " + header(message, ":error-code")
                    + " " + nullToEmpty(header(message, ":error-message")));
        }
        if (!"event".equals(type)) {
            return null;
        }
        String event = header(message, ":event-type");
        if (event == null) {
            return null;
        }
        return switch (event) {
            case "contentBlockStart" -> blockStart(payload(message));
            case "contentBlockDelta" -> blockDelta(payload(message));
            case "messageStop" -> messageStop(payload(message));
            case "metadata" -> {
                Usage usage = ConverseResponse.usage(payload(message).path("usage"));
                yield usage == null ? null : new ChatChunk(null, null, List.of(), null, usage);
            }
            default -> null; // messageStart, contentBlockStop, and events added later
        };
    }

    private ChatChunk blockStart(JsonNode p) {
        JsonNode use = p.path("start").path("toolUse");
        if (!use.isObject()) {
            return null;
        }
        int block = p.path("contentBlockIndex").asInt(0);
        String name = use.path("name").asText("");
        if (jsonTool && ConverseCodec.JSON_TOOL.equals(name)) {
            jsonBlock = block;
            return null;
        }
        String id = use.path("toolUseId").asText(null);
        contentSeen = true;
        return new ChatChunk(null, null, List.of(new ToolCallDelta(tool(block), id == null ? ToolCallIds.synthesise() : id, name, "")),
                null, null);
    }

    private ChatChunk blockDelta(JsonNode p) {
        int block = p.path("contentBlockIndex").asInt(0);
        JsonNode delta = p.path("delta");
        if (delta.path("text").isTextual()) {
            return text(delta.path("text").asText());
        }
        JsonNode input = delta.path("toolUse").path("input");
        if (input.isTextual()) {
            if (block == jsonBlock) {
                return text(input.asText());
            }
            Integer index = toolByBlock.get(block);
            contentSeen = true;
            if (index == null) {
                // A fragment for a block that never started: open the call so its arguments are not lost.
                return new ChatChunk(null, null, List.of(new ToolCallDelta(tool(block), ToolCallIds.synthesise(), "", input.asText())),
                        null, null);
            }
            return new ChatChunk(null, null, List.of(new ToolCallDelta(index, null, null, input.asText())), null, null);
        }
        JsonNode reasoning = delta.path("reasoningContent").path("text");
        if (reasoning.isTextual() && !reasoning.asText().isEmpty()) {
            return new ChatChunk(null, reasoning.asText(), List.of(), null, null);
        }
        return null;
    }

    private ChatChunk text(String text) {
        if (text.isEmpty()) {
            return null;
        }
        contentSeen = true;
        return ChatChunk.text(text);
    }

    private ChatChunk messageStop(JsonNode p) {
        stopped = true;
        FinishReason finish = jsonBlock >= 0 ? FinishReason.STOP : ConverseResponse.finish(p.path("stopReason").asText("end_turn"), contentSeen);
        return new ChatChunk(null, null, List.of(), finish, null);
    }

    private int tool(int block) {
        return toolByBlock.computeIfAbsent(block, b -> toolByBlock.size());
    }

    /** Mid-stream exceptions in the kinds section 5.10 gives them; nothing is retried after the first byte anyway. */
    static GatewayError exception(String type, String message) {
        String name = type == null ? "unknown" : type;
        String text = "The upstream failed mid-stream (" + name + "): " + message;
        ErrorKind kind = switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "throttlingexception", "servicequotaexceededexception" -> ErrorKind.RATE_LIMITED;
            case "serviceunavailableexception", "modelnotreadyexception" -> ErrorKind.OVERLOADED;
            case "modeltimeoutexception" -> ErrorKind.UPSTREAM_TIMEOUT;
            case "validationexception" -> ErrorKind.BAD_REQUEST;
            default -> ErrorKind.UPSTREAM_ERROR; // modelStreamErrorException, internalServerException, ...
        };
        return GatewayError.of(kind, text);
    }

    private static String header(Message message, String name) {
        HeaderValue v = message.getHeaders().get(name);
        return v == null ? null : v.getString();
    }

    private static JsonNode payload(Message message) {
        try {
            JsonNode node = Json.MAPPER.readTree(message.getPayload());
            return node == null ? Json.MAPPER.createObjectNode() : node;
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent an event-stream payload that is not JSON.");
        }
    }

    private static String payloadMessage(Message message) {
        try {
            JsonNode node = Json.MAPPER.readTree(message.getPayload());
            String m = node == null ? null : node.path("message").asText(null);
            if (m == null && node != null) {
                m = node.path("Message").asText(null);
            }
            return m == null ? "(no message)" : shorten(m);
        } catch (Exception e) {
            return shorten(new String(message.getPayload(), StandardCharsets.UTF_8));
        }
    }

    private static String shorten(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
