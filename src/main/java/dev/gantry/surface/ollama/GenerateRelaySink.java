package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.RawSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code /api/generate} served by an Ollama node through {@code /api/chat}, so every native
 * option (num_ctx, keep_alive, think...) still reaches the node. Each chat object is reshaped into
 * a generate object: {@code message.content} becomes {@code response}, {@code message.thinking}
 * becomes {@code thinking}, everything else (done, done_reason, metrics) is kept as it came.
 */
final class GenerateRelaySink implements RawSink {

    private final HttpServerResponse response;
    private final NdjsonChannel channel;
    private final boolean stream;
    private final String model;
    private final Consumer<Usage> usageListener;

    GenerateRelaySink(HttpServerResponse response, NdjsonChannel channel, boolean stream, String model, Consumer<Usage> usageListener) {
        this.response = response;
        this.channel = channel;
        this.stream = stream;
        this.model = model;
        this.usageListener = usageListener;
    }

    @Override
    public void onBytes(Buffer bytes) {
        Buffer reshaped;
        try {
            reshaped = reshape(bytes);
        } catch (RuntimeException e) {
            channel.fail(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a line that is not a JSON object."));
            return;
        }
        if (stream) {
            channel.write(reshaped.appendByte((byte) '\n'));
        } else if (!response.closed() && !response.ended()) {
            response.putHeader("content-type", "application/json; charset=utf-8").end(reshaped);
        }
    }

    private Buffer reshape(Buffer chatObject) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(chatObject.getBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (!(node instanceof ObjectNode chat)) {
            throw new IllegalStateException("not an object");
        }
        JsonNode message = chat.path("message");
        return OllamaJson.object(g -> {
            g.writeStringField("model", model);
            g.writeStringField("created_at", chat.path("created_at").asText(OllamaJson.now()));
            g.writeStringField("response", message.path("content").asText(""));
            if (message.path("thinking").isTextual()) {
                g.writeStringField("thinking", message.get("thinking").asText());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = chat.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (!key.equals("model") && !key.equals("created_at") && !key.equals("message")) {
                    g.writeFieldName(key);
                    g.writeTree(e.getValue());
                }
            }
        }, false);
    }

    @Override
    public void onEnd(Usage usage) {
        usageListener.accept(usage == null ? Usage.NONE : usage);
        if (stream) {
            channel.end();
        }
    }

    @Override
    public void onError(GatewayError error) {
        channel.fail(error);
    }
}
