package dev.gantry.provider.ollama;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;

/**
 * What the byte relay needs to know about one line of an Ollama NDJSON stream: is it the final
 * ({@code done:true}) object, with which token counts, or an in-band {@code {"error"}}? Content
 * lines are only searched for two byte patterns and never parsed; a line that may matter is read
 * with the streaming parser, top-level fields only (a tool call's arguments may hold a key called
 * "done" too).
 */
record OllamaLineScan(boolean done, String error, Usage usage) {

    private static final OllamaLineScan CONTENT = new OllamaLineScan(false, null, null);
    private static final byte[] DONE_KEY = "\"done\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ERROR_KEY = "\"error\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static OllamaLineScan of(byte[] line) {
        if (!mentionsDoneTrue(line) && indexOf(line, ERROR_KEY, 0) < 0) {
            return CONTENT;
        }
        boolean done = false;
        String error = null;
        long prompt = 0;
        long eval = 0;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return CONTENT;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "done" -> done = value == JsonToken.VALUE_TRUE;
                    case "error" -> error = value == JsonToken.VALUE_STRING ? p.getText() : value == JsonToken.VALUE_NULL ? null : "(no message)";
                    case "prompt_eval_count" -> prompt = value.isNumeric() ? p.getLongValue() : 0;
                    case "eval_count" -> eval = value.isNumeric() ? p.getLongValue() : 0;
                    default -> { }
                }
                p.skipChildren();
            }
        } catch (Exception e) {
            return CONTENT; // not JSON: relayed as it is, like every other content line
        }
        if (error != null) {
            return new OllamaLineScan(false, error, null);
        }
        return done ? new OllamaLineScan(true, null, new Usage(prompt, eval, false)) : CONTENT;
    }

    /** {@code "done"} followed by optional spaces, a colon, optional spaces and {@code t}. */
    private static boolean mentionsDoneTrue(byte[] line) {
        int from = 0;
        while (true) {
            int at = indexOf(line, DONE_KEY, from);
            if (at < 0) {
                return false;
            }
            int i = at + DONE_KEY.length;
            while (i < line.length && line[i] == ' ') {
                i++;
            }
            if (i < line.length && line[i] == ':') {
                i++;
                while (i < line.length && line[i] == ' ') {
                    i++;
                }
                if (i < line.length && line[i] == 't') {
                    return true;
                }
            }
            from = at + 1;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
