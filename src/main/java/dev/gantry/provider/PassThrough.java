package dev.gantry.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.pipeline.Exchange;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;

/**
 * A provider whose upstream speaks a client-facing API unchanged. When the client uses that same
 * API, the request body is sent on with only {@code model} rewritten and the response is relayed
 * without being decoded or re-encoded.
 */
public interface PassThrough {

    /** The inbound API this provider can relay for, e.g. {@code "openai"}. */
    String wireApi();

    /**
     * Same contract as {@link Provider#chat}: the future completes on the upstream's 2xx headers,
     * then the body goes to {@code sink}. May be called again for another deployment if this one fails.
     *
     * @param body the client's request, already validated; may be mutated to address the upstream
     * @param request the same request parsed, for what the relay needs to know (stream, usage wanted...)
     */
    Future<StreamControl> relayChat(Exchange exchange, Deployment deployment, ObjectNode body, ChatRequest request, RawSink sink);
}
