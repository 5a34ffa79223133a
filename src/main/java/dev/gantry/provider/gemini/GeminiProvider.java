package dev.gantry.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.Json;
import dev.gantry.provider.Provider;
import dev.gantry.provider.StreamControl;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.provider.framing.SseParser;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Google's Gemini API (generativelanguage, PROTOCOLS.md 4.4): {@code :streamGenerateContent?alt=sse}
 * for streaming clients, {@code :generateContent} otherwise, {@code :embedContent} /
 * {@code :batchEmbedContents} for embeddings. The key goes in {@code x-goog-api-key}, never in
 * the URL, where it would end up in access logs and error messages.
 */
public final class GeminiProvider implements Provider {

    private static final int MAX_EVENT = 8 * 1024 * 1024;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;
    private static final int MAX_EMBED_RESPONSE = 256 * 1024 * 1024;

    private final UpstreamClient client;

    public GeminiProvider(UpstreamClient client) {
        this.client = client;
    }

    @Override
    public Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink) {
        Buffer body;
        try {
            body = Buffer.buffer(Json.MAPPER.writeValueAsBytes(GeminiCodec.chatBody(request)));
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        } catch (Exception e) {
            return Future.failedFuture(GatewayError.badRequest("The request cannot be encoded for Gemini: " + e.getMessage(), null));
        }
        boolean stream = request.stream();
        String url = modelUrl(deployment) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        return client.send(exchange, deployment, HttpMethod.POST, url, headers(deployment, stream), body)
                .recover(e -> Future.failedFuture(credentialProblem(deployment, e)))
                .map(response -> {
                    if (stream) {
                        stream(response, deployment, sink);
                    } else {
                        whole(response, deployment, sink);
                    }
                    return response;
                });
    }

    private static void stream(UpstreamResponse response, Deployment deployment, ChunkSink sink) {
        GeminiDecoder decoder = new GeminiDecoder(deployment);
        SseParser events = new SseParser(MAX_EVENT, event -> {
            if (event.data() == null || event.data().isEmpty()) {
                return;
            }
            ChatChunk chunk = decoder.decode(parse(event.data().getBytes(StandardCharsets.UTF_8), deployment));
            if (chunk != null) {
                sink.onChunk(chunk);
            }
        });
        // Gemini sends no [DONE]: a stream is whole once a finishReason (or blockReason) arrived.
        response.readFramed(events, () -> {
            if (decoder.isComplete()) {
                sink.onEnd();
            } else {
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                        "The upstream " + deployment.id() + " ended the stream before it was done."));
            }
        }, sink::onError);
    }

    private static void whole(UpstreamResponse response, Deployment deployment, ChunkSink sink) {
        response.body(MAX_RESPONSE).onComplete(ar -> {
            if (ar.failed()) {
                sink.onError(ar.cause() instanceof GatewayError ge ? ge
                        : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Reading the answer of " + deployment.id() + " failed."));
                return;
            }
            GeminiDecoder decoder = new GeminiDecoder(deployment);
            ChatChunk chunk;
            try {
                chunk = decoder.decode(parse(ar.result().getBytes(), deployment));
            } catch (GatewayError e) {
                sink.onError(e);
                return;
            }
            if (chunk != null) {
                sink.onChunk(chunk);
            }
            if (decoder.isComplete() || decoder.sawContent()) {
                sink.onEnd();
            } else {
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deployment.id() + " sent an answer without candidates."));
            }
        });
    }

    private static JsonNode parse(byte[] json, Deployment deployment) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deployment.id() + " sent a response that is not JSON.");
        }
    }

    @Override
    public Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request) {
        List<String> inputs = request.inputs();
        if (inputs.size() == 1) {
            return embedCall(exchange, deployment, ":embedContent", GeminiEmbeddings.single(inputs.get(0), request.dimensions()), 1)
                    .map(parsed -> response(List.of(parsed), inputs));
        }
        // Larger inputs go as consecutive batches of at most MAX_BATCH, in order.
        Future<List<GeminiEmbeddings.Parsed>> all = Future.succeededFuture(new ArrayList<>());
        for (int from = 0; from < inputs.size(); from += GeminiEmbeddings.MAX_BATCH) {
            List<String> slice = inputs.subList(from, Math.min(inputs.size(), from + GeminiEmbeddings.MAX_BATCH));
            all = all.compose(done -> embedCall(exchange, deployment, ":batchEmbedContents",
                    GeminiEmbeddings.batch(modelPath(deployment), slice, request.dimensions()), slice.size())
                    .map(parsed -> {
                        done.add(parsed);
                        return done;
                    }));
        }
        return all.map(parts -> response(parts, inputs));
    }

    private Future<GeminiEmbeddings.Parsed> embedCall(Exchange exchange, Deployment deployment, String method,
                                                      ObjectNode body, int expected) {
        return client.send(exchange, deployment, HttpMethod.POST, modelUrl(deployment) + method, headers(deployment, false),
                        Buffer.buffer(body.toString()))
                .recover(e -> Future.failedFuture(credentialProblem(deployment, e)))
                .compose(response -> response.body(MAX_EMBED_RESPONSE))
                .map(bytes -> GeminiEmbeddings.parse(bytes, expected, deployment.id()));
    }

    private static EmbeddingResponse response(List<GeminiEmbeddings.Parsed> parts, List<String> inputs) {
        List<float[]> vectors = new ArrayList<>(inputs.size());
        long reported = 0;
        boolean allReported = true;
        for (GeminiEmbeddings.Parsed p : parts) {
            vectors.addAll(p.vectors());
            allReported &= p.promptTokens() >= 0;
            reported += Math.max(0, p.promptTokens());
        }
        return new EmbeddingResponse(vectors, allReported ? reported : GeminiEmbeddings.estimateTokens(inputs));
    }

    /**
     * Gemini answers a wrong key with 400 INVALID_ARGUMENT "API key not valid", which would read
     * as the client's mistake; it is the gateway's credential (PROTOCOLS.md 5.10), so it becomes
     * an upstream error another deployment may not have.
     */
    static Throwable credentialProblem(Deployment deployment, Throwable e) {
        if (e instanceof GatewayError ge && ge.kind() == ErrorKind.BAD_REQUEST && ge.getMessage() != null
                && ge.getMessage().contains("API key not valid")) {
            return new GatewayError(ErrorKind.UPSTREAM_ERROR, "The upstream refused the gateway's credentials (from "
                    + deployment.id() + "); this is a gateway configuration problem.", null, "upstream_auth", null, true);
        }
        return e;
    }

    /** {@code models/gemini-x}, or the path as configured when it already names a collection ({@code tunedModels/...}). */
    static String modelPath(Deployment deployment) {
        String model = deployment.upstreamModel();
        return model.contains("/") ? model : "models/" + model;
    }

    private static String modelUrl(Deployment deployment) {
        return deployment.baseUrl() + "/" + encodePath(modelPath(deployment));
    }

    /** Model ids are plain ([a-z0-9.-]); anything else is percent-encoded so it cannot change the URL's shape. */
    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '/') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    private static MultiMap headers(Deployment deployment, boolean stream) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", stream ? "text/event-stream" : "application/json");
        if (deployment.apiKey() != null && !deployment.apiKey().isEmpty()) {
            headers.add("x-goog-api-key", deployment.apiKey());
        }
        return headers;
    }
}
