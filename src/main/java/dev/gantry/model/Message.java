package dev.gantry.model;

import java.util.List;

/**
 * A canonical chat message. {@code toolCallId} links a TOOL message to the call it answers;
 * {@code name} is the optional participant name (kept for OpenAI upstreams only).
 */
public record Message(Role role, List<ContentPart> parts, List<ToolCall> toolCalls, String toolCallId, String name) {

    public Message {
        parts = parts == null ? List.of() : List.copyOf(parts);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Message text(Role role, String text) {
        return new Message(role, List.of(new ContentPart.Text(text)), List.of(), null, null);
    }

    /** All text parts joined, in order; images are skipped. */
    public String joinedText() {
        if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text t) {
            return t.text();
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
