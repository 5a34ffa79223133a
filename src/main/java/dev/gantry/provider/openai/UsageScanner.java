package dev.gantry.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;

/**
 * Reads only the top-level {@code usage} object of an OpenAI response, skipping everything else
 * with the streaming parser: the pass-through path must not build a tree of the whole answer.
 */
final class UsageScanner {

    private UsageScanner() {}

    /** @return the usage, or null when there is none or the bytes are not a JSON object */
    static Usage scan(byte[] json, int offset, int length) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    JsonNode u = p.readValueAsTree();
                    return new Usage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0), false);
                }
                p.skipChildren();
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
