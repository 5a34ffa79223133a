package dev.gantry.account;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.ToolCall;

/**
 * Counts tokens with a real tokenizer (cl100k_base via jtokkit) when an upstream reported no
 * usage. Other model families tokenize differently, so the result is marked estimated; it is
 * still far closer than a character rule. Called off the common path only.
 */
public final class TokenCounter {

    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final int PER_MESSAGE = 4;
    private static final int PER_IMAGE = 765;

    private TokenCounter() {}

    public static int count(String text) {
        return text == null || text.isEmpty() ? 0 : CL100K.countTokensOrdinary(text);
    }

    public static int prompt(ChatRequest request) {
        int tokens = 3;
        for (Message m : request.messages()) {
            tokens += PER_MESSAGE;
            for (ContentPart part : m.parts()) {
                tokens += part instanceof ContentPart.Text t ? count(t.text()) : PER_IMAGE;
            }
            for (ToolCall call : m.toolCalls()) {
                tokens += count(call.name()) + count(call.argumentsJson());
            }
        }
        for (var tool : request.tools()) {
            tokens += count(tool.name()) + count(tool.description()) + (tool.parameters() == null ? 0 : count(tool.parameters().toString()));
        }
        return tokens;
    }
}
