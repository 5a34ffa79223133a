package dev.gantry.surface.ollama;

import dev.gantry.surface.http.StreamChannel;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.StreamControl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The client side of an NDJSON response (PROTOCOLS.md 6.3): one object per line, flushed as it
 * comes, nothing else on the wire (no heartbeats: ollama-python parses every line). Headers are
 * committed by the first line, so a failure before it still gets a proper status; after it, the
 * failure is a last {@code {"error"}} line (section 7). A slow client pauses the upstream read.
 */
final class NdjsonChannel implements StreamChannel {

    private final HttpServerResponse response;
    private final Exchange exchange;
    private StreamControl control;
    private boolean paused;

    NdjsonChannel(HttpServerResponse response, Exchange exchange) {
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

    @Override
    public void write(Buffer line) {
        if (!isOpen()) {
            return;
        }
        if (!response.headWritten()) {
            response.setStatusCode(200)
                    .putHeader("content-type", "application/x-ndjson")
                    .putHeader("cache-control", "no-cache")
                    .putHeader("x-accel-buffering", "no")
                    .setChunked(true);
        }
        response.write(line);
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

    /** Before the first line: a normal JSON error response. After: a final {@code {"error":"..."}} line, then close. */
    @Override
    public void fail(GatewayError error) {
        if (!isOpen()) {
            return;
        }
        if (!response.headWritten()) {
            OllamaErrors.send(response, error);
            return;
        }
        response.write(OllamaJson.object(g -> g.writeStringField("error", error.getMessage()), true));
        response.end();
    }
}
