package dev.gantry.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
     * @param body the client's request, already validated; mutated to address the upstream
     * @param clientWantsUsage whether the client asked for the usage chunk (streaming only)
     */
    Future<StreamControl> relayChat(Exchange exchange, Deployment deployment, ObjectNode body, boolean stream,
                                    boolean clientWantsUsage, RawSink sink);
}
