package dev.gantry.provider.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.StreamControl;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.openai.OpenAiProvider;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;

/**
 * Azure OpenAI. It speaks the OpenAI wire format, so the OpenAI codec, stream decoder and byte
 * relay do all the work; this adds only Azure's URLs and {@code api-key} header. Its own quirks
 * (empty-choices filter chunks, {@code content_filter} finishes and 400s) are handled by those
 * shared parts and by {@link dev.gantry.provider.UpstreamErrors}.
 */
public final class AzureProvider implements Provider, PassThrough {

    private final OpenAiProvider wire;

    public AzureProvider(UpstreamClient client) {
        this.wire = new OpenAiProvider(client, new AzureEndpoint());
    }

    @Override
    public String wireApi() {
        return wire.wireApi();
    }

    @Override
    public Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink) {
        return wire.chat(exchange, deployment, request, sink);
    }

    @Override
    public Future<StreamControl> relayChat(Exchange exchange, Deployment deployment, ObjectNode body, ChatRequest request,
                                           RawSink sink) {
        return wire.relayChat(exchange, deployment, body, request, sink);
    }

    @Override
    public Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request) {
        return wire.embed(exchange, deployment, request);
    }
}
