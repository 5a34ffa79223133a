package dev.gantry.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.Json;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.StreamControl;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.provider.framing.LineSplitter;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama through its native API ({@code /api/chat}, {@code /api/embed}), not its {@code /v1}
 * layer, which drops num_ctx, keep_alive, think and timings. Chat always streams upstream so
 * a hung node and a client disconnect are both noticed between tokens.
 */
public final class OllamaProvider implements Provider, PassThrough {

    private static final int MAX_LINE = 8 * 1024 * 1024;
    private static final int MAX_EMBED_RESPONSE = 256 * 1024 * 1024;

    private final UpstreamClient client;

    public OllamaProvider(UpstreamClient client) {
        this.client = client;
    }

    @Override
    public Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink) {
        Buffer body;
        try {
            body = Buffer.buffer(Json.MAPPER.writeValueAsBytes(OllamaCodec.chatBody(request, deployment.upstreamModel())));
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        } catch (Exception e) {
            return Future.failedFuture(GatewayError.badRequest("The request cannot be encoded for Ollama: " + e.getMessage(), null));
        }
        return client.send(exchange, deployment, HttpMethod.POST, deployment.baseUrl() + "/api/chat", headers(deployment), body)
                .map(response -> {
                    stream(response, sink);
                    return response;
                });
    }

    @Override
    public String wireApi() {
        return "ollama";
    }

    /**
     * Ollama client → Ollama node: the client's {@code /api/chat} body goes on with only
     * {@code model} (and, for a non-streaming client, {@code stream}) changed. See {@link OllamaRelay}.
     */
    @Override
    public Future<StreamControl> relayChat(Exchange exchange, Deployment deployment, ObjectNode body, ChatRequest request,
                                           RawSink sink) {
        body.put("model", deployment.upstreamModel());
        body.put("stream", true);
        Buffer bytes = Buffer.buffer(body.toString());
        return client.send(exchange, deployment, HttpMethod.POST, deployment.baseUrl() + "/api/chat", headers(deployment), bytes)
                .map(response -> {
                    if (request.stream()) {
                        OllamaRelay.stream(response, sink);
                    } else {
                        OllamaRelay.aggregate(response, sink);
                    }
                    return response;
                });
    }

    private static void stream(UpstreamResponse response, ChunkSink sink) {
        OllamaStreamDecoder decoder = new OllamaStreamDecoder();
        LineSplitter lines = new LineSplitter(MAX_LINE, line -> {
            if (!decoder.isDone()) {
                sink.onChunk(decoder.decode(line));
            }
        });
        response.readFramed(lines, () -> {
            if (decoder.isDone()) {
                sink.onEnd();
            } else {
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                        "The upstream " + response.deployment().id() + " ended the stream before it was done."));
            }
        }, sink::onError);
    }

    @Override
    public Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", deployment.upstreamModel());
        ArrayNode input = body.putArray("input");
        request.inputs().forEach(input::add);
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        return client.send(exchange, deployment, HttpMethod.POST, deployment.baseUrl() + "/api/embed", headers(deployment),
                        Buffer.buffer(body.toString()))
                .compose(response -> response.body(MAX_EMBED_RESPONSE))
                .map(bytes -> parseEmbeddings(bytes, request.inputs().size()));
    }

    private static EmbeddingResponse parseEmbeddings(Buffer bytes, int expected) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes.getBytes());
            JsonNode embeddings = node.path("embeddings");
            if (!embeddings.isArray() || embeddings.size() != expected) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream returned " + embeddings.size()
                        + " embeddings for " + expected + " inputs.");
            }
            List<float[]> vectors = new ArrayList<>(expected);
            for (JsonNode e : embeddings) {
                float[] v = new float[e.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) e.get(i).asDouble();
                }
                vectors.add(v);
            }
            return new EmbeddingResponse(vectors, node.path("prompt_eval_count").asLong(0));
        } catch (GatewayError e) {
            throw e;
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent an embeddings response that is not valid JSON.");
        }
    }

    private static MultiMap headers(Deployment deployment) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", "application/x-ndjson, application/json");
        if (deployment.apiKey() != null && !deployment.apiKey().isEmpty()) {
            headers.add("authorization", "Bearer " + deployment.apiKey());
        }
        return headers;
    }
}
