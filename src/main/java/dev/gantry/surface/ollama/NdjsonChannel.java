package dev.gantry.surface.ollama;

import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.surface.http.ClientStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An NDJSON response (PROTOCOLS.md 6.3): one object per line, flushed as it comes, nothing else on
 * the wire (no heartbeats: ollama-python parses every line). A failure after the first line is a
 * last {@code {"error"}} line (section 7).
 */
final class NdjsonChannel extends ClientStream {

    NdjsonChannel(HttpServerResponse response, Exchange exchange) {
        super(response, exchange, "application/x-ndjson");
    }

    @Override
    protected void sendError(GatewayError error) {
        OllamaErrors.send(response, error);
    }

    @Override
    protected Buffer inBandError(GatewayError error) {
        return OllamaJson.object(g -> g.writeStringField("error", error.getMessage()), true);
    }
}
