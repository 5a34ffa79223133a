package dev.gantry.surface.anthropic;

import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;

/**
 * A tokenizer-free estimate of a request's input tokens, for {@code count_tokens} and for the
 * {@code input_tokens} a stream's {@code message_start} must carry before the upstream has said.
 * Gantry has no tokenizer yet, and no local one would match each upstream's anyway, so this is
 * deliberately simple and documented (docs/surfaces/anthropic.md):
 *
 * <ul>
 *   <li>text (system, messages, tool results, tool-call arguments, tool names, descriptions and
 *       schemas): UTF-8 bytes / 4, rounded up once over the total — about right for English and code
 *       with BPE tokenizers;</li>
 *   <li>{@value #PER_MESSAGE} tokens per message and {@value #PER_TOOL} per tool definition, for the
 *       role markers and framing chat templates add;</li>
 *   <li>{@value #PER_IMAGE} tokens per image (Anthropic's cost for an image near its size limit;
 *       Gantry does not decode images to measure them).</li>
 * </ul>
 */
final class TokenEstimate {

    static final int PER_MESSAGE = 4;
    static final int PER_TOOL = 8;
    static final int PER_IMAGE = 1600;

    private TokenEstimate() {}

    static long inputTokens(ChatRequest request) {
        long bytes = 0;
        long fixed = 0;
        for (Message m : request.messages()) {
            fixed += PER_MESSAGE;
            for (ContentPart part : m.parts()) {
                if (part instanceof ContentPart.Text t) {
                    bytes += utf8Length(t.text());
                } else {
                    fixed += PER_IMAGE;
                }
            }
            for (ToolCall call : m.toolCalls()) {
                bytes += utf8Length(call.name()) + utf8Length(call.argumentsJson());
            }
        }
        for (Tool tool : request.tools()) {
            fixed += PER_TOOL;
            bytes += utf8Length(tool.name()) + utf8Length(tool.description());
            if (tool.parameters() != null) {
                bytes += utf8Length(tool.parameters().toString());
            }
        }
        return fixed + (bytes + 3) / 4;
    }

    /** UTF-8 length without encoding the string. */
    static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
