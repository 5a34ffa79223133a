package dev.gantry.provider.gemini;

import dev.gantry.provider.ToolCallIds;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Tool-call ids for calls Gemini made. Gemini often gives no id, and Gemini 3+ attaches a
 * {@code thoughtSignature} to a {@code functionCall} part that must come back unchanged on the
 * next turn (else 400). OpenAI and Ollama clients have no slot for it, but they replay ids
 * verbatim, so the signature travels inside the id (PROTOCOLS.md 5.7):
 * {@code <id>__ts_<base64url(signature)>}. Stateless: nothing to cache, survives restarts.
 */
final class GeminiCallIds {

    static final String MARK = "__ts_";

    /** An id and the signature it carried (null when none). */
    record Parsed(String id, String signature) {}

    private GeminiCallIds() {}

    /** The id to give clients for a call: Gemini's own id, else a synthesised one, plus any signature. */
    static String forCall(String geminiId, String signature) {
        String id = geminiId == null || geminiId.isEmpty() ? ToolCallIds.synthesise() : geminiId;
        if (signature == null || signature.isEmpty()) {
            return id;
        }
        return id + MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.getBytes(StandardCharsets.UTF_8));
    }

    /** Splits an id a client replayed; ids from elsewhere come back unchanged with no signature. */
    static Parsed parse(String clientId) {
        if (clientId == null) {
            return new Parsed(null, null);
        }
        int mark = clientId.indexOf(MARK);
        if (mark <= 0) {
            return new Parsed(clientId, null);
        }
        try {
            byte[] signature = Base64.getUrlDecoder().decode(clientId.substring(mark + MARK.length()));
            return new Parsed(clientId.substring(0, mark), new String(signature, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return new Parsed(clientId, null); // not ours after all
        }
    }
}
