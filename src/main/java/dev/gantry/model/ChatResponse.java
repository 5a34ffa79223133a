package dev.gantry.model;

import java.util.List;

/** A whole (non-streamed) assistant answer. */
public record ChatResponse(String text, String reasoning, List<ToolCall> toolCalls, FinishReason finish, Usage usage) {

    public ChatResponse {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }
}
