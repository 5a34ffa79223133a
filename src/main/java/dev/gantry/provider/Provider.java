package dev.gantry.provider;

import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.pipeline.Exchange;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;

/** An upstream API: turns canonical requests into its wire format and its answers back into canonical chunks. */
public interface Provider {

    /**
     * Starts a chat call. The future completes once the upstream accepted the request (2xx headers);
     * it fails with a {@link dev.gantry.model.GatewayError} when the upstream refused or could not be
     * reached, before anything was sent to the client. Afterwards every event goes to {@code sink}.
     */
    Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink);

    Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request);
}
