package dev.gantry.surface.anthropic;

import dev.gantry.surface.http.ClientStream;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
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
final class AnthropicSseChannel extends ClientStream {

    static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    private static final Buffer ERROR_PREFIX = Buffer.buffer("event: error\ndata: ");
    private static final Buffer EVENT_END = Buffer.buffer("\n\n");

    private final Vertx vertx;
    private final long heartbeatMillis;
    private long lastWriteNanos;
    private long timer = -1;

    /** @param heartbeatMillis 0 for no heartbeat; {@code vertx} may then be null */
    AnthropicSseChannel(HttpServerResponse response, Exchange exchange, Vertx vertx, long heartbeatMillis) {
        super(response, exchange, "text/event-stream; charset=utf-8");
        this.vertx = vertx;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    protected void sendError(GatewayError error) {
        AnthropicErrors.send(response, error, exchange.requestId());
    }

    @Override
    protected Buffer inBandError(GatewayError error) {
        return Buffer.buffer().appendBuffer(ERROR_PREFIX).appendBuffer(AnthropicErrors.body(error, exchange.requestId()))
                .appendBuffer(EVENT_END);
    }

    @Override
    protected void headersSent() {
        startHeartbeat();
    }

    @Override
    protected void written() {
        lastWriteNanos = System.nanoTime();
    }

    @Override
    protected void stopped() {
        stopHeartbeat();
    }

    private void startHeartbeat() {
        if (heartbeatMillis <= 0 || vertx == null) {
            return;
        }
        timer = vertx.setPeriodic(heartbeatMillis, id -> {
            if (!isOpen()) {
                stopHeartbeat();
            } else if (System.nanoTime() - lastWriteNanos >= heartbeatMillis * 1_000_000L && !paused()) {
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
