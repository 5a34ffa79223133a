package dev.gantry.surface.openai;

import dev.gantry.surface.http.StreamChannel;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.StreamControl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The client side of an SSE response. Headers are committed by the first event, so a failure
 * before any event still gets a proper status; after that, errors go in-band. When the client
 * reads slower than the upstream writes, the upstream read is paused until the socket drains.
 */
final class SseChannel implements StreamChannel {

    private static final Buffer ERROR_PREFIX = Buffer.buffer("data: ");
    private static final Buffer EVENT_END = Buffer.buffer("\n\n");

    private final HttpServerResponse response;
    private final Exchange exchange;
    private StreamControl control;
    private boolean paused;

    SseChannel(HttpServerResponse response, Exchange exchange) {
        this.response = response;
        this.exchange = exchange;
    }

    void control(StreamControl control) {
        this.control = control;
        if (paused && control != null) {
            control.pause();
        }
    }

    boolean isOpen() {
        return !exchange.isCancelled() && !response.closed() && !response.ended();
    }

    boolean started() {
        return response.headWritten();
    }

    @Override
    public void write(Buffer event) {
        if (!isOpen()) {
            return;
        }
        if (!response.headWritten()) {
            response.setStatusCode(200)
                    .putHeader("content-type", "text/event-stream; charset=utf-8")
                    .putHeader("cache-control", "no-cache")
                    .putHeader("x-accel-buffering", "no")
                    .setChunked(true);
        }
        response.write(event);
        if (response.writeQueueFull() && !paused) {
            paused = true;
            if (control != null) {
                control.pause();
            }
            response.drainHandler(v -> {
                paused = false;
                if (control != null) {
                    control.resume();
                }
            });
        }
    }

    @Override
    public void end() {
        if (isOpen()) {
            if (!response.headWritten()) {
                write(Buffer.buffer());
            }
            response.end();
        }
    }

    /** Before the first event: a normal JSON error response. After: an in-band error event, then close (no [DONE]). */
    @Override
    public void fail(GatewayError error) {
        if (!isOpen()) {
            return;
        }
        if (!response.headWritten()) {
            OpenAiErrors.send(response, error);
            return;
        }
        response.write(Buffer.buffer().appendBuffer(ERROR_PREFIX).appendBuffer(OpenAiErrors.body(error)).appendBuffer(EVENT_END));
        response.end();
    }
}
