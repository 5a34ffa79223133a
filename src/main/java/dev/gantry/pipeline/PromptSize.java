package dev.gantry.pipeline;

import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.ToolCall;

/**
 * A quick estimate of a prompt's tokens for context-window checks and token-limit reservations:
 * about four characters of text per token, a few tokens per message, a flat cost per image.
 * Cheap by design (no tokenizer on the hot path); usage from the upstream settles the real count.
 */
public final class PromptSize {

    private static final int PER_MESSAGE = 4;
    private static final int PER_IMAGE = 765; // a high-detail tile set in OpenAI's accounting; a safe upper guess

    private PromptSize() {}

    public static int estimate(ChatRequest request) {
        long chars = 0;
        int tokens = 3;
        for (Message m : request.messages()) {
            tokens += PER_MESSAGE;
            for (ContentPart part : m.parts()) {
                if (part instanceof ContentPart.Text t) {
                    chars += t.text().length();
                } else {
                    tokens += PER_IMAGE;
                }
            }
            for (ToolCall call : m.toolCalls()) {
                chars += call.name().length() + (call.argumentsJson() == null ? 0 : call.argumentsJson().length());
            }
        }
        for (var tool : request.tools()) {
            chars += tool.toString().length();
        }
        return (int) Math.min(Integer.MAX_VALUE, tokens + (chars + 3) / 4);
    }
}
