package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.ToolCall;
import dev.gantry.surface.http.Fields;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic messages and their content blocks → canonical messages. A user message holding
 * {@code tool_result} blocks becomes one TOOL message per result (in order) plus a USER message for
 * the other blocks; an assistant message's {@code tool_use} blocks become its tool calls.
 * Thinking blocks are left out (only an Anthropic upstream could use them, and it gets the raw
 * body); blocks with no canonical form are noted as Anthropic-only.
 */
final class ContentBlocks {

    private final List<String> anthropicOnly;

    ContentBlocks(List<String> anthropicOnly) {
        this.anthropicOnly = anthropicOnly;
    }

    void message(JsonNode node, String path, List<Message> out) {
        if (!node.isObject()) {
            throw Fields.wrongType(path, "an object", node);
        }
        String roleName = Fields.requiredString(node, "role", path + ".role");
        boolean user = switch (roleName) {
            case "user" -> true;
            case "assistant" -> false;
            case "system" -> throw GatewayError.badRequest("'" + path + ".role' is 'system', which the Messages API does not have; "
                    + "put system text in the top-level 'system' field.", path + ".role");
            default -> throw GatewayError.badRequest("'" + path + ".role' must be 'user' or 'assistant'; got '"
                    + GatewayError.quote(roleName) + "'.", path + ".role");
        };
        JsonNode content = node.get("content");
        String cp = path + ".content";
        if (content == null || content.isNull()) {
            throw GatewayError.badRequest("'" + cp + "' is required.", cp);
        }
        if (content.isTextual()) {
            out.add(Message.text(user ? Role.USER : Role.ASSISTANT, content.asText()));
            return;
        }
        if (!content.isArray()) {
            throw Fields.wrongType(cp, "a string or an array of content blocks", content);
        }
        if (user) {
            userBlocks(content, cp, out);
        } else {
            assistantBlocks(content, cp, out);
        }
    }

    private void userBlocks(JsonNode content, String path, List<Message> out) {
        List<ContentPart> pending = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String p = path + "[" + i + "]";
            String type = blockType(block, p);
            if (type.equals("tool_result")) {
                if (!pending.isEmpty()) {
                    out.add(new Message(Role.USER, pending, List.of(), null, null));
                    pending = new ArrayList<>();
                }
                out.add(toolResult(block, p));
            } else {
                part(block, type, p, pending);
            }
        }
        if (!pending.isEmpty() || content.isEmpty()) {
            out.add(new Message(Role.USER, pending, List.of(), null, null));
        }
    }

    private void assistantBlocks(JsonNode content, String path, List<Message> out) {
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String p = path + "[" + i + "]";
            String type = blockType(block, p);
            switch (type) {
                case "tool_use" -> calls.add(toolUse(block, p));
                case "thinking", "redacted_thinking" -> { } // replayable only to Anthropic, which gets the raw body
                default -> part(block, type, p, parts);
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            out.add(new Message(Role.ASSISTANT, parts, calls, null, null));
        }
    }

    /** Text and image blocks; anything else is Anthropic-only. */
    private void part(JsonNode block, String type, String path, List<ContentPart> parts) {
        switch (type) {
            case "text" -> parts.add(new ContentPart.Text(Fields.requiredString(block, "text", path + ".text")));
            case "image" -> {
                ContentPart.Image image = image(block, path);
                if (image != null) {
                    parts.add(image);
                }
            }
            default -> anthropicOnly.add("a '" + GatewayError.quote(type) + "' content block");
        }
    }

    /** base64 and url sources have canonical forms; a file source needs Anthropic's Files API. */
    private ContentPart.Image image(JsonNode block, String path) {
        JsonNode source = Fields.optionalObject(block, "source", path + ".source");
        if (source == null) {
            throw GatewayError.badRequest("'" + path + ".source' is required.", path + ".source");
        }
        String sp = path + ".source";
        String kind = Fields.requiredString(source, "type", sp + ".type");
        switch (kind) {
            case "base64" -> {
                String mediaType = Fields.requiredString(source, "media_type", sp + ".media_type");
                if (!mediaType.startsWith("image/")) {
                    throw GatewayError.badRequest("'" + sp + ".media_type' must be image/png, image/jpeg, image/gif or image/webp.",
                            sp + ".media_type");
                }
                String data = Fields.requiredString(source, "data", sp + ".data");
                if (data.isEmpty()) {
                    throw GatewayError.badRequest("'" + sp + ".data' holds no image data.", sp + ".data");
                }
                return new ContentPart.Image(mediaType, data, null, null);
            }
            case "url" -> {
                return new ContentPart.Image(null, null, Fields.requiredString(source, "url", sp + ".url"), null);
            }
            case "file" -> {
                anthropicOnly.add("an image with a 'file' source");
                return null;
            }
            default -> throw GatewayError.badRequest("'" + sp + ".type' must be base64, url or file; got '"
                    + GatewayError.quote(kind) + "'.", sp + ".type");
        }
    }

    private static ToolCall toolUse(JsonNode block, String path) {
        String id = Fields.requiredString(block, "id", path + ".id");
        String name = Fields.requiredString(block, "name", path + ".name");
        JsonNode input = Fields.optionalObject(block, "input", path + ".input");
        if (input == null) {
            throw GatewayError.badRequest("'" + path + ".input' is required: the tool's arguments as an object.", path + ".input");
        }
        return new ToolCall(id, name, input.toString());
    }

    /**
     * {@code content} is a string or text/image blocks. {@code is_error} has no canonical slot: it
     * survives on the Anthropic pass-through only (the error text itself is in the content).
     */
    private Message toolResult(JsonNode block, String path) {
        String id = Fields.requiredString(block, "tool_use_id", path + ".tool_use_id");
        Fields.optionalBoolean(block, "is_error", path + ".is_error");
        JsonNode content = block.get("content");
        List<ContentPart> parts = new ArrayList<>();
        if (content == null || content.isNull()) {
            parts.add(new ContentPart.Text(""));
        } else if (content.isTextual()) {
            parts.add(new ContentPart.Text(content.asText()));
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode inner = content.get(i);
                String p = path + ".content[" + i + "]";
                part(inner, blockType(inner, p), p, parts);
            }
            if (parts.isEmpty()) {
                parts.add(new ContentPart.Text(""));
            }
        } else {
            throw Fields.wrongType(path + ".content", "a string or an array of content blocks", content);
        }
        return new Message(Role.TOOL, parts, List.of(), id, null);
    }

    private static String blockType(JsonNode block, String path) {
        if (!block.isObject()) {
            throw Fields.wrongType(path, "an object", block);
        }
        return Fields.requiredString(block, "type", path + ".type");
    }
}
