package dev.gantry.provider.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.ToolCall;
import dev.gantry.provider.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonical conversation → Anthropic {@code messages}: only {@code user} and {@code assistant}
 * turns, tool results as {@code tool_result} blocks opening a user turn, same-role neighbours
 * merged, empty text dropped (Anthropic answers 400 to empty text blocks and empty turns).
 * System messages are left out here; the codec hoists them.
 */
final class AnthropicMessages {

    /** One turn being assembled; tool results must come before any other block of a user turn. */
    private static final class Turn {
        final String role;
        final List<ObjectNode> results = new ArrayList<>();
        final List<ObjectNode> blocks = new ArrayList<>();

        Turn(String role) {
            this.role = role;
        }

        boolean isEmpty() {
            return results.isEmpty() && blocks.isEmpty();
        }
    }

    private AnthropicMessages() {}

    static ArrayNode build(List<Message> messages) {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role() == Role.SYSTEM) {
                continue;
            }
            Turn own = new Turn(m.role() == Role.ASSISTANT ? "assistant" : "user");
            if (m.role() == Role.TOOL) {
                own.results.add(toolResult(m));
            } else {
                String path = "messages[" + i + "].content";
                for (ContentPart part : AnthropicCodec.nonEmpty(m.parts())) {
                    own.blocks.add(part instanceof ContentPart.Text t
                            ? Json.MAPPER.createObjectNode().put("type", "text").put("text", t.text())
                            : AnthropicCodec.imageBlock((ContentPart.Image) part, path));
                }
                for (ToolCall call : m.toolCalls()) {
                    ObjectNode use = Json.MAPPER.createObjectNode().put("type", "tool_use")
                            .put("id", AnthropicCodec.toolId(call.id())).put("name", call.name());
                    use.set("input", AnthropicCodec.toolInput(call));
                    own.blocks.add(use);
                }
            }
            if (own.isEmpty()) {
                continue; // e.g. an assistant turn with content "": its neighbours merge instead
            }
            Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (last != null && last.role.equals(own.role)) {
                last.results.addAll(own.results);
                last.blocks.addAll(own.blocks);
            } else {
                turns.add(own);
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Turn turn : turns) {
            ArrayNode content = out.addObject().put("role", turn.role).putArray("content");
            turn.results.forEach(content::add);
            turn.blocks.forEach(content::add);
        }
        return out;
    }

    private static ObjectNode toolResult(Message m) {
        ObjectNode result = Json.MAPPER.createObjectNode().put("type", "tool_result")
                .put("tool_use_id", AnthropicCodec.toolId(m.toolCallId()));
        String text = m.joinedText();
        if (!text.isEmpty()) {
            result.put("content", text);
        }
        return result;
    }
}
