package dev.gantry.surface.openai;

import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.surface.http.ClientStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** An OpenAI SSE response: a failure after the start is a {@code data: {"error":...}} event and no [DONE]. */
final class SseChannel extends ClientStream {

    private static final Buffer ERROR_PREFIX = Buffer.buffer("data: ");
    private static final Buffer EVENT_END = Buffer.buffer("\n\n");

    SseChannel(HttpServerResponse response, Exchange exchange) {
        super(response, exchange, "text/event-stream; charset=utf-8");
    }

    @Override
    protected void sendError(GatewayError error) {
        OpenAiErrors.send(response, error);
    }

    @Override
    protected Buffer inBandError(GatewayError error) {
        return Buffer.buffer().appendBuffer(ERROR_PREFIX).appendBuffer(OpenAiErrors.body(error)).appendBuffer(EVENT_END);
    }
}
