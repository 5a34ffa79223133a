package dev.gantry.provider.anthropic;

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
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.StreamControl;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.provider.framing.SseParser;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Anthropic's Messages API ({@code POST {base}/v1/messages}; the base URL carries no {@code /v1}).
 * Translated chat always streams upstream, whatever the client asked: a non-streamed Messages
 * call sends its headers only when the whole answer is ready, so the first-byte timeout would
 * cut long answers, and a client that goes away is noticed only between events. Anthropic clients
 * are relayed byte for byte ({@link PassThrough}).
 */
public final class AnthropicProvider implements Provider, PassThrough {

    static final String API_VERSION = "2023-06-01";
    private static final int MAX_EVENT = 8 * 1024 * 1024;

    private final UpstreamClient client;

    public AnthropicProvider(UpstreamClient client) {
        this.client = client;
    }

    @Override
    public String wireApi() {
        return "anthropic";
    }

    @Override
    public Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink) {
        Buffer body;
        try {
            Integer configured = deployment.config() == null ? null : deployment.config().maxTokens();
            body = Buffer.buffer(Json.MAPPER.writeValueAsBytes(AnthropicCodec.chatBody(request, deployment.upstreamModel(), configured)));
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        } catch (Exception e) {
            return Future.failedFuture(GatewayError.badRequest("The request cannot be encoded for Anthropic: " + e.getMessage(), null));
        }
        String jsonTool = AnthropicCodec.emulatesJson(request) ? AnthropicCodec.JSON_TOOL : null;
        return client.send(exchange, deployment, HttpMethod.POST, url(deployment), headers(deployment), body)
                .map(response -> {
                    stream(response, new AnthropicStreamDecoder(deployment.id(), jsonTool), sink);
                    return response;
                });
    }

    private static void stream(UpstreamResponse response, AnthropicStreamDecoder decoder, ChunkSink sink) {
        SseParser parser = new SseParser(MAX_EVENT, event -> {
            ChatChunk chunk = decoder.decode(event);
            if (chunk != null) {
                sink.onChunk(chunk);
            }
        });
        response.readFramed(parser, () -> {
            if (decoder.isComplete()) {
                sink.onEnd();
            } else {
                sink.onError(truncated(response.deployment().id()));
            }
        }, sink::onError);
    }

    /** Rewrites only {@code model}; everything else the Anthropic client sent goes on as it is. */
    @Override
    public Future<StreamControl> relayChat(Exchange exchange, Deployment deployment, ObjectNode body, ChatRequest request,
                                           RawSink sink) {
        body.put("model", deployment.upstreamModel());
        boolean stream = body.path("stream").asBoolean(false);
        return client.send(exchange, deployment, HttpMethod.POST, url(deployment), headers(deployment), Buffer.buffer(body.toString()))
                .map(response -> {
                    if (stream) {
                        AnthropicRelay.stream(response, sink);
                    } else {
                        AnthropicRelay.whole(response, sink);
                    }
                    return response;
                });
    }

    @Override
    public Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request) {
        return Future.failedFuture(new GatewayError(ErrorKind.BAD_REQUEST, "The model '" + GatewayError.quote(request.model())
                + "' is served by anthropic, and anthropic has no embeddings API; use an embeddings model.", "model", null, null));
    }

    static GatewayError truncated(String deploymentId) {
        return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deploymentId + " ended the stream before it was done.");
    }

    private static String url(Deployment deployment) {
        return deployment.baseUrl() + "/v1/messages";
    }

    private static MultiMap headers(Deployment deployment) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", "text/event-stream, application/json")
                .add("anthropic-version", API_VERSION);
        if (deployment.apiKey() != null && !deployment.apiKey().isEmpty()) {
            headers.add("x-api-key", deployment.apiKey());
        }
        return headers;
    }
}
