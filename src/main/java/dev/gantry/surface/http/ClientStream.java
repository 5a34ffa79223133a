package dev.gantry.surface.http;

import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.StreamControl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The client side of a streamed response, whatever its framing. Headers are committed by the
 * first write, so a failure before it still gets a proper status and error body; afterwards
 * errors go in-band. When the client reads slower than the upstream writes, the upstream read is
 * paused until the socket drains. Subclasses say how errors look in their API.
 */
public abstract class ClientStream implements StreamChannel {

    protected final HttpServerResponse response;
    protected final Exchange exchange;
    private final String contentType;
    private StreamControl control;
    private boolean paused;

    protected ClientStream(HttpServerResponse response, Exchange exchange, String contentType) {
        this.response = response;
        this.exchange = exchange;
        this.contentType = contentType;
    }

    /** The upstream read to pause and resume; given once the upstream answered. */
    public void control(StreamControl control) {
        this.control = control;
        if (paused && control != null) {
            control.pause();
        }
    }

    public boolean isOpen() {
        return !exchange.isCancelled() && !response.closed() && !response.ended();
    }

    public boolean started() {
        return response.headWritten();
    }

    protected boolean paused() {
        return paused;
    }

    @Override
    public void write(Buffer framed) {
        if (!isOpen()) {
            stopped();
            return;
        }
        if (!response.headWritten()) {
            response.setStatusCode(200)
                    .putHeader("content-type", contentType)
                    .putHeader("cache-control", "no-cache")
                    .putHeader("x-accel-buffering", "no")
                    .setChunked(true);
            headersSent();
        }
        written();
        response.write(framed);
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
        stopped();
        if (isOpen()) {
            if (!response.headWritten()) {
                write(Buffer.buffer());
                stopped();
            }
            response.end();
        }
    }

    /** Before the first write: the API's own error response. After: its in-band error, then the end. */
    @Override
    public void fail(GatewayError error) {
        stopped();
        if (!isOpen()) {
            return;
        }
        if (!response.headWritten()) {
            sendError(error);
            return;
        }
        response.write(inBandError(error));
        response.end();
    }

    /** Answers with the API's error status and body (nothing was sent yet). */
    protected abstract void sendError(GatewayError error);

    /** The error as the last piece of a started stream, framed. */
    protected abstract Buffer inBandError(GatewayError error);

    /** Hook: the headers just went out. */
    protected void headersSent() {
    }

    /** Hook: something is about to be written. */
    protected void written() {
    }

    /** Hook: the stream is over or cannot be written any more. */
    protected void stopped() {
    }
}
