package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.GatewayError;
import dev.gantry.surface.http.Fields;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/embed} ({@code input} string or array → {@code embeddings}) and the legacy
 * {@code /api/embeddings} ({@code prompt} → {@code embedding}, float64) (PROTOCOLS.md 3.4).
 * {@code truncate}, {@code keep_alive} and {@code options} tune an Ollama node only and are dropped.
 */
final class OllamaEmbeddings {

    static final int MAX_INPUTS = 2048;

    private OllamaEmbeddings() {}

    /** The texts of {@code /api/embed}; empty strings are skipped as Ollama does, so none at all is a load request. */
    static List<String> inputs(ObjectNode body) {
        JsonNode input = body.get("input");
        List<String> out = new ArrayList<>();
        if (input == null || input.isNull()) {
            return out;
        }
        if (input.isTextual()) {
            if (!input.asText().isEmpty()) {
                out.add(input.asText());
            }
            return out;
        }
        if (!input.isArray()) {
            throw Fields.wrongType("input", "a string or an array of strings", input);
        }
        if (input.size() > MAX_INPUTS) {
            throw GatewayError.badRequest("'input' may hold at most " + MAX_INPUTS + " items.", "input");
        }
        for (int i = 0; i < input.size(); i++) {
            if (!input.get(i).isTextual()) {
                throw Fields.wrongType("input[" + i + "]", "a string", input.get(i));
            }
            out.add(input.get(i).asText());
        }
        return out;
    }

    static EmbeddingRequest embed(ObjectNode body, String publicModel, List<String> inputs) {
        Long dimensions = Fields.optionalInteger(body, "dimensions", "dimensions", 1, 65536);
        Fields.optionalBoolean(body, "truncate", "truncate");
        return new EmbeddingRequest(publicModel, inputs, dimensions == null ? null : dimensions.intValue());
    }

    static Buffer renderEmbed(String model, EmbeddingResponse response, long totalNanos) {
        return OllamaJson.object(g -> {
            g.writeStringField("model", model);
            g.writeArrayFieldStart("embeddings");
            for (float[] v : response.vectors()) {
                g.writeStartArray();
                for (float f : v) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeNumberField("total_duration", totalNanos);
            g.writeNumberField("load_duration", 0);
            g.writeNumberField("prompt_eval_count", response.promptTokens());
        }, false);
    }

    /** Legacy: one vector, written as float64 like Ollama's own legacy endpoint. */
    static Buffer renderLegacy(float[] vector) {
        return OllamaJson.object(g -> {
            g.writeArrayFieldStart("embedding");
            for (float f : vector) {
                g.writeNumber((double) f);
            }
            g.writeEndArray();
        }, false);
    }
}
