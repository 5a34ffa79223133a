package dev.gantry.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.provider.ToolCallIds;
import dev.gantry.provider.framing.SseEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages API stream events (PROTOCOLS.md 2.4) → canonical chunks. Content blocks arrive one
 * after another; text blocks become text, {@code tool_use} blocks become tool-call fragments
 * numbered 0, 1… in the order they open (OpenAI clients key calls by that index), thinking
 * becomes reasoning. Usage is input from {@code message_start} plus output from
 * {@code message_delta}; the finish chunk carries both.
 */
final class AnthropicStreamDecoder {

    private enum Kind { TEXT, TOOL, JSON, THINKING, OTHER }

    /** A content block that is open (or was): what it is and, for calls, whether arguments came. */
    private static final class Block {
        final Kind kind;
        final int toolIndex;
        boolean gotArguments;

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private static final String EMPTY_ARGUMENTS = "{}";

    private final String deploymentId;
    private final String jsonTool;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private final AnthropicWire.Tokens tokens = new AnthropicWire.Tokens();
    private int nextToolIndex;
    private boolean stopped;

    /** @param jsonTool the tool whose input is an emulated JSON answer (becomes text), or null */
    AnthropicStreamDecoder(String deploymentId, String jsonTool) {
        this.deploymentId = deploymentId;
        this.jsonTool = jsonTool;
    }

    /** True once {@code message_stop} arrived; a stream that ends before is truncated (PROTOCOLS.md 7.3). */
    boolean isComplete() {
        return stopped;
    }

    /**
     * @return the chunk for this event, or null when it carries nothing for the client
     * @throws dev.gantry.model.GatewayError for an in-band error event or an event that is not JSON
     */
    ChatChunk decode(SseEvent event) {
        if (stopped || event.data() == null) {
            return null;
        }
        if ("ping".equals(event.event())) {
            return null; // the common keep-alive: not worth parsing
        }
        JsonNode node = AnthropicWire.parse(event.data(), deploymentId);
        String type = node.path("type").asText(event.event() == null ? "" : event.event());
        return switch (type) {
            case "message_start" -> {
                tokens.add(node.path("message").get("usage"));
                yield null;
            }
            case "content_block_start" -> blockStart(node.path("index").asInt(-1), node.path("content_block"));
            case "content_block_delta" -> blockDelta(blocks.get(node.path("index").asInt(-1)), node.path("delta"));
            case "content_block_stop" -> blockStop(blocks.get(node.path("index").asInt(-1)));
            case "message_delta" -> messageDelta(node);
            case "message_stop" -> {
                stopped = true;
                yield null;
            }
            case "error" -> throw AnthropicWire.streamError(node, deploymentId);
            default -> null; // ping and event types newer than this decoder
        };
    }

    private ChatChunk blockStart(int index, JsonNode block) {
        String type = block.path("type").asText("");
        switch (type) {
            case "text" -> {
                blocks.put(index, new Block(Kind.TEXT, -1));
                return text(block.path("text").asText(""));
            }
            case "thinking" -> {
                blocks.put(index, new Block(Kind.THINKING, -1));
                String thinking = block.path("thinking").asText("");
                return thinking.isEmpty() ? null : new ChatChunk(null, thinking, List.of(), null, null);
            }
            case "tool_use" -> {
                JsonNode input = block.get("input");
                String inputJson = input != null && input.isObject() && !input.isEmpty() ? input.toString() : "";
                String name = block.path("name").asText("");
                if (jsonTool != null && jsonTool.equals(name)) {
                    Block b = new Block(Kind.JSON, -1);
                    b.gotArguments = !inputJson.isEmpty();
                    blocks.put(index, b);
                    return text(inputJson);
                }
                Block b = new Block(Kind.TOOL, nextToolIndex++);
                b.gotArguments = !inputJson.isEmpty();
                blocks.put(index, b);
                String id = block.path("id").asText("");
                return call(new ToolCallDelta(b.toolIndex, id.isEmpty() ? ToolCallIds.synthesise() : id, name, inputJson));
            }
            default -> {
                blocks.put(index, new Block(Kind.OTHER, -1)); // redacted_thinking, server tools...
                return null;
            }
        }
    }

    private ChatChunk blockDelta(Block block, JsonNode delta) {
        Kind kind = block == null ? Kind.OTHER : block.kind;
        switch (delta.path("type").asText("")) {
            case "text_delta" -> {
                return kind == Kind.TEXT ? text(delta.path("text").asText("")) : null;
            }
            case "thinking_delta" -> {
                String thinking = delta.path("thinking").asText("");
                return kind == Kind.THINKING && !thinking.isEmpty() ? new ChatChunk(null, thinking, List.of(), null, null) : null;
            }
            case "input_json_delta" -> {
                String piece = delta.path("partial_json").asText("");
                if (piece.isEmpty() || (kind != Kind.TOOL && kind != Kind.JSON)) {
                    return null;
                }
                block.gotArguments = true;
                return kind == Kind.JSON ? text(piece) : call(new ToolCallDelta(block.toolIndex, null, null, piece));
            }
            default -> {
                return null; // signature_delta, citations_delta
            }
        }
    }

    /** A call that got no argument data at all still needs valid JSON arguments (PROTOCOLS.md 2.4). */
    private ChatChunk blockStop(Block block) {
        if (block == null || block.gotArguments) {
            return null;
        }
        block.gotArguments = true;
        return switch (block.kind) {
            case TOOL -> call(new ToolCallDelta(block.toolIndex, null, null, EMPTY_ARGUMENTS));
            case JSON -> text(EMPTY_ARGUMENTS);
            default -> null;
        };
    }

    private ChatChunk messageDelta(JsonNode node) {
        tokens.add(node.get("usage"));
        JsonNode reason = node.path("delta").get("stop_reason");
        FinishReason finish = AnthropicWire.finish(reason == null || reason.isNull() ? null : reason.asText());
        if (finish == FinishReason.TOOL_CALLS && nextToolIndex == 0 && jsonTool != null) {
            finish = FinishReason.STOP; // only the emulated JSON tool was called: to the client that is a plain answer
        }
        return new ChatChunk(null, null, List.of(), finish, tokens.usage());
    }

    private static ChatChunk text(String text) {
        return text.isEmpty() ? null : ChatChunk.text(text);
    }

    private static ChatChunk call(ToolCallDelta delta) {
        return new ChatChunk(null, null, List.of(delta), null, null);
    }
}
