package dev.gantry.surface.anthropic;

import dev.gantry.surface.http.StreamChannel;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.StreamControl;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The client side of an Anthropic SSE response. Headers are committed by the first event, so a
 * failure before it still gets a proper status and JSON body; afterwards errors go in-band as
 * {@code event: error} (PROTOCOLS.md section 7.2). A slow client pauses the upstream read.
 *
 * <p>When given a heartbeat interval, it writes {@code event: ping} after that much silence once the
 * stream has started, as Anthropic does, so proxies and clients with read timeouts keep the
 * connection while a slow upstream thinks. Relayed streams carry the upstream's own pings and get
 * none from here: a ping could otherwise land in the middle of a relayed event.
 */
final class AnthropicSseChannel implements StreamChannel {

    static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    private static final Buffer ERROR_PREFIX = Buffer.buffer("event: error\ndata: ");
    private static final Buffer EVENT_END = Buffer.buffer("\n\n");

    private final HttpServerResponse response;
    private final Exchange exchange;
    private final Vertx vertx;
    private final long heartbeatMillis;
    private StreamControl control;
    private boolean paused;
    private long lastWriteNanos;
    private long timer = -1;

    /** @param heartbeatMillis 0 for no heartbeat; {@code vertx} may then be null */
    AnthropicSseChannel(HttpServerResponse response, Exchange exchange, Vertx vertx, long heartbeatMillis) {
        this.response = response;
        this.exchange = exchange;
        this.vertx = vertx;
        this.heartbeatMillis = heartbeatMillis;
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
            stopHeartbeat();
            return;
        }
        if (!response.headWritten()) {
            response.setStatusCode(200)
                    .putHeader("content-type", "text/event-stream; charset=utf-8")
                    .putHeader("cache-control", "no-cache")
                    .putHeader("x-accel-buffering", "no")
                    .setChunked(true);
            startHeartbeat();
        }
        lastWriteNanos = System.nanoTime();
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
        stopHeartbeat();
        if (isOpen()) {
            if (!response.headWritten()) {
                write(Buffer.buffer());
                stopHeartbeat();
            }
            response.end();
        }
    }

    /** Before the first event: a JSON error response. After: {@code event: error}, then close, no {@code message_stop}. */
    @Override
    public void fail(GatewayError error) {
        stopHeartbeat();
        if (!isOpen()) {
            return;
        }
        if (!response.headWritten()) {
            AnthropicErrors.send(response, error, exchange.requestId());
            return;
        }
        response.write(Buffer.buffer().appendBuffer(ERROR_PREFIX)
                .appendBuffer(AnthropicErrors.body(error, exchange.requestId())).appendBuffer(EVENT_END));
        response.end();
    }

    private void startHeartbeat() {
        if (heartbeatMillis <= 0 || vertx == null) {
            return;
        }
        timer = vertx.setPeriodic(heartbeatMillis, id -> {
            if (!isOpen()) {
                stopHeartbeat();
            } else if (System.nanoTime() - lastWriteNanos >= heartbeatMillis * 1_000_000L && !paused) {
                write(PING);
            }
        });
    }

    private void stopHeartbeat() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
