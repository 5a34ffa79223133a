package dev.gantry.model;

import java.util.List;

/**
 * One event of a canonical response stream. Any field may be absent: a text delta, tool-call
 * fragments, the finish reason (once, near the end) and usage (once, with or after the finish).
 */
public record ChatChunk(String text, String reasoning, List<ToolCallDelta> toolCalls, FinishReason finish, Usage usage) {

    public ChatChunk {
        toolCalls = toolCalls == null ? List.of() : toolCalls;
    }

    public static ChatChunk text(String text) {
        return new ChatChunk(text, null, List.of(), null, null);
    }

    public boolean hasText() {
        return text != null && !text.isEmpty();
    }
}
