package dev.gantry.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Bodies and answers of {@code :embedContent} (one text) and {@code :batchEmbedContents} (many).
 * Gemini's embedding answers usually carry no token usage; then it is estimated at about four
 * characters per token, so accounting never sees zero.
 */
final class GeminiEmbeddings {

    /** Gemini refuses batches of more than 100 requests. */
    static final int MAX_BATCH = 100;

    /** The vectors in input order and the prompt tokens the upstream reported, or -1. */
    record Parsed(List<float[]> vectors, long promptTokens) {}

    private GeminiEmbeddings() {}

    static ObjectNode single(String input, Integer dimensions) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        content(body, input, dimensions);
        return body;
    }

    static ObjectNode batch(String modelPath, List<String> inputs, Integer dimensions) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        for (String input : inputs) {
            ObjectNode r = requests.addObject().put("model", modelPath);
            content(r, input, dimensions);
        }
        return body;
    }

    private static void content(ObjectNode target, String input, Integer dimensions) {
        target.putObject("content").putArray("parts").addObject().put("text", input);
        if (dimensions != null) {
            target.put("outputDimensionality", dimensions);
        }
    }

    /** Vectors of an {@code embedContent} ({@code embedding}) or {@code batchEmbedContents} ({@code embeddings}) answer. */
    static Parsed parse(Buffer bytes, int expected, String deploymentId) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes.getBytes());
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deploymentId + " sent an embeddings response that is not valid JSON.");
        }
        List<JsonNode> items = new ArrayList<>(expected);
        if (node != null && node.path("embedding").isObject()) {
            items.add(node.get("embedding"));
        } else if (node != null && node.path("embeddings").isArray()) {
            node.get("embeddings").forEach(items::add);
        }
        if (items.size() != expected) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deploymentId + " returned " + items.size()
                    + " embeddings for " + expected + " inputs.");
        }
        List<float[]> vectors = new ArrayList<>(expected);
        for (JsonNode item : items) {
            JsonNode values = item.path("values");
            if (!values.isArray()) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deploymentId + " sent an embedding without values.");
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values.get(i).asDouble();
            }
            vectors.add(v);
        }
        JsonNode tokens = node.path("usageMetadata").path("promptTokenCount");
        return new Parsed(vectors, tokens.isNumber() ? tokens.asLong() : -1);
    }

    /** Prompt tokens, estimated: Gemini's embedding answers carry no usage. */
    static long estimateTokens(List<String> inputs) {
        long tokens = 0;
        for (String input : inputs) {
            tokens += Math.max(1, (input.length() + 3) / 4);
        }
        return tokens;
    }
}
