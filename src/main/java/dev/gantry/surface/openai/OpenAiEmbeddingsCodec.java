package dev.gantry.surface.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.Json;
import dev.gantry.surface.http.Fields;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** OpenAI {@code /v1/embeddings}: request parsing and response writing, float or base64 (little-endian float32). */
final class OpenAiEmbeddingsCodec {

    static final int MAX_INPUTS = 2048;

    record Parsed(EmbeddingRequest request, boolean base64) {}

    private OpenAiEmbeddingsCodec() {}

    static Parsed parse(ObjectNode body) {
        String model = Fields.requiredString(body, "model", "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw GatewayError.badRequest("'input' is required.", "input");
        }
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray()) {
            if (input.isEmpty()) {
                throw GatewayError.badRequest("'input' must not be an empty array.", "input");
            }
            if (input.size() > MAX_INPUTS) {
                throw GatewayError.badRequest("'input' may hold at most " + MAX_INPUTS + " items.", "input");
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (!item.isTextual()) {
                    throw GatewayError.badRequest("'input[" + i + "]' must be a string; token-array input is not supported.", "input");
                }
                inputs.add(item.asText());
            }
        } else {
            throw Fields.wrongType("input", "a string or an array of strings", input);
        }
        String format = Fields.optionalString(body, "encoding_format", "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw GatewayError.badRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
        }
        Long dimensions = Fields.optionalInteger(body, "dimensions", "dimensions", 1, 65536);
        return new Parsed(new EmbeddingRequest(model, inputs, dimensions == null ? null : dimensions.intValue()),
                "base64".equals(format));
    }

    static Buffer render(EmbeddingResponse response, String model, boolean base64) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            int index = 0;
            for (float[] v : response.vectors()) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", index++);
                g.writeFieldName("embedding");
                if (base64) {
                    ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (float f : v) {
                        bytes.putFloat(f);
                    }
                    g.writeString(Base64.getEncoder().encodeToString(bytes.array()));
                } else {
                    g.writeStartArray();
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", response.promptTokens());
            g.writeNumberField("total_tokens", response.promptTokens());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }
}
