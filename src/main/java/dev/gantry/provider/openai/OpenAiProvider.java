package dev.gantry.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.Json;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.StreamControl;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.provider.framing.SseEvent;
import dev.gantry.provider.framing.SseParser;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Any OpenAI-compatible upstream: OpenAI itself, vLLM, llama.cpp server, Groq, Mistral, Together... */
public final class OpenAiProvider implements Provider, PassThrough {

    private static final int MAX_EVENT = 8 * 1024 * 1024;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;

    private final UpstreamClient client;
    private final OpenAiEndpoint endpoint;

    public OpenAiProvider(UpstreamClient client) {
        this(client, OpenAiEndpoint.STANDARD);
    }

    /** An OpenAI-wire upstream at other URLs or with another key header (Azure OpenAI). */
    public OpenAiProvider(UpstreamClient client, OpenAiEndpoint endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    @Override
    public String wireApi() {
        return "openai";
    }

    @Override
    public Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink) {
        boolean official = endpoint.takesMaxCompletionTokens(deployment);
        Buffer body = Buffer.buffer(OpenAiCodec.chatBody(request, deployment.upstreamModel(), official).toString());
        return client.send(exchange, deployment, HttpMethod.POST, endpoint.url(deployment, "chat/completions"), headers(deployment), body)
                .map(response -> {
                    OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
                    readEvents(response, event -> {
                        ChatChunk chunk = decoder.decode(event);
                        if (chunk != null) {
                            sink.onChunk(chunk);
                        }
                    }, () -> {
                        if (decoder.isComplete()) {
                            sink.onEnd();
                        } else {
                            sink.onError(truncated(deployment));
                        }
                    }, sink::onError);
                    return response;
                });
    }

    @Override
    public Future<StreamControl> relayChat(Exchange exchange, Deployment deployment, ObjectNode body, ChatRequest request,
                                           RawSink sink) {
        boolean stream = request.stream();
        boolean clientWantsUsage = request.includeUsage();
        body.put("model", deployment.upstreamModel());
        if (stream) {
            JsonNode so = body.get("stream_options");
            ObjectNode options = so instanceof ObjectNode o ? o : body.putObject("stream_options");
            options.put("include_usage", true); // Gantry always needs usage; dropped below if the client did not ask
        }
        Buffer bytes = Buffer.buffer(body.toString());
        return client.send(exchange, deployment, HttpMethod.POST, endpoint.url(deployment, "chat/completions"), headers(deployment), bytes)
                .map(response -> {
                    if (stream) {
                        relayStream(response, deployment, clientWantsUsage, sink);
                    } else {
                        response.body(MAX_RESPONSE).onComplete(ar -> {
                            if (ar.failed()) {
                                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, ar.cause().getMessage()));
                                return;
                            }
                            Buffer whole = ar.result();
                            byte[] raw = whole.getBytes();
                            Usage usage = UsageScanner.scan(raw, 0, raw.length);
                            if (usage == null && !isJsonObject(raw)) {
                                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                                        "The upstream " + deployment.id() + " sent a response that is not a JSON object."));
                                return;
                            }
                            // Some compatible servers omit usage: relay the answer; accounting estimates it.
                            usage = usage == null ? Usage.NONE : usage;
                            sink.onBytes(whole);
                            sink.onEnd(usage);
                        });
                    }
                    return response;
                });
    }

    private void relayStream(UpstreamResponse response, Deployment deployment, boolean clientWantsUsage, RawSink sink) {
        Usage[] usage = {null};
        boolean[] complete = {false};
        readEvents(response, event -> {
            if (event.error() != null) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream failed mid-stream: " + event.error());
            }
            String data = event.data();
            if (data == null) {
                return;
            }
            if (data.equals("[DONE]")) {
                complete[0] = true;
                sink.onBytes(event.raw());
                return;
            }
            if (data.startsWith("{\"error\"")) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream failed mid-stream.");
            }
            if (data.contains("\"usage\"")) {
                byte[] b = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                Usage u = UsageScanner.scan(b, 0, b.length);
                if (u != null) {
                    usage[0] = u;
                    if (!clientWantsUsage && data.contains("\"choices\":[]")) {
                        return; // the usage chunk Gantry asked for on its own behalf
                    }
                }
            } else if (data.contains("\"choices\":[]")) {
                return; // Azure's prompt_filter_results chunk: no choice, no usage; clients reading choices[0] trip on it
            }
            if (data.contains("\"finish_reason\":\"")) {
                complete[0] = true;
            }
            sink.onBytes(event.raw());
        }, () -> {
            if (complete[0]) {
                sink.onEnd(usage[0]);
            } else {
                sink.onError(truncated(deployment));
            }
        }, sink::onError);
    }

    /** Feeds the body through an SSE parser; a GatewayError thrown by {@code onEvent} aborts the call. */
    private static void readEvents(UpstreamResponse response, Consumer<SseEvent> onEvent, Runnable onEnd,
                                   Consumer<GatewayError> onError) {
        response.readFramed(new SseParser(MAX_EVENT, onEvent), onEnd, onError);
    }

    /** Only on the rare answer without usage: is it at least a JSON object? */
    private static boolean isJsonObject(byte[] raw) {
        try {
            JsonNode node = Json.MAPPER.readTree(raw);
            return node != null && node.isObject();
        } catch (Exception e) {
            return false;
        }
    }

    private static GatewayError truncated(Deployment deployment) {
        return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deployment.id() + " ended the stream before it was done.");
    }

    @Override
    public Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", deployment.upstreamModel());
        ArrayNode input = body.putArray("input");
        request.inputs().forEach(input::add);
        body.put("encoding_format", "float");
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        return client.send(exchange, deployment, HttpMethod.POST, endpoint.url(deployment, "embeddings"), headers(deployment),
                        Buffer.buffer(body.toString()))
                .compose(response -> response.body(MAX_RESPONSE))
                .map(bytes -> parseEmbeddings(bytes, request.inputs().size()));
    }

    private static EmbeddingResponse parseEmbeddings(Buffer bytes, int expected) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes.getBytes());
        } catch (Exception e) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent an embeddings response that is not valid JSON.");
        }
        JsonNode data = node.path("data");
        if (!data.isArray() || data.size() != expected) {
            throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream returned " + data.size() + " embeddings for " + expected + " inputs.");
        }
        float[][] ordered = new float[expected][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode values = item.path("embedding");
            if (index < 0 || index >= expected || !values.isArray()) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a malformed embedding.");
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values.get(i).asDouble();
            }
            ordered[index] = v;
        }
        List<float[]> vectors = new ArrayList<>(expected);
        for (float[] v : ordered) {
            if (v == null) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream left out an embedding.");
            }
            vectors.add(v);
        }
        return new EmbeddingResponse(vectors, node.path("usage").path("prompt_tokens").asLong(0));
    }

    private MultiMap headers(Deployment deployment) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", "application/json, text/event-stream");
        endpoint.authorize(deployment, headers);
        return headers;
    }
}
