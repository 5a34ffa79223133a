package dev.gantry.surface.http;

import dev.gantry.account.Cost;
import dev.gantry.pipeline.Exchange;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Opens an {@link Exchange} for an HTTP request and ties its life to the connection: the
 * request id goes out as {@code x-request-id}, a client that disconnects cancels the exchange
 * (and so the upstream call), and the outcome is recorded in metrics exactly once.
 */
public final class RequestScope {

    /** Status recorded for requests the client abandoned (nginx's convention). */
    public static final int CLIENT_CLOSED = 499;

    /** What the request cost, in USD with 9 decimals; a header, or a trailer on streams. */
    public static final String COST_HEADER = "x-gantry-cost";

    private RequestScope() {}

    public static Exchange open(RoutingContext ctx, String route, GatewayMetrics metrics) {
        Exchange exchange = new Exchange(route);
        HttpServerResponse response = ctx.response();
        response.putHeader("x-request-id", exchange.requestId());
        exchange.hints(RouteHeaders.hints(ctx.request().headers()));
        // Written last, so they name the deployment that finally served (or failed) the request.
        response.headersEndHandler(v -> {
            if (exchange.deployment() != null) {
                response.headers().set("x-gantry-deployment", exchange.deployment());
                response.headers().set("x-gantry-attempts", Integer.toString(exchange.attempts()));
            }
            if (exchange.costNanos() >= 0) {
                response.headers().set(COST_HEADER, Cost.usd(exchange.costNanos()));
            }
            exchange.responseHeaders().forEach((name, value) -> response.headers().set(name, value));
        });
        // A stream's headers left before its cost was known: it goes out as a trailer instead.
        exchange.onCost(nanos -> {
            if (response.headWritten() && response.isChunked() && !response.ended()) {
                response.trailers().set(COST_HEADER, Cost.usd(nanos));
            }
        });
        metrics.started();
        boolean[] recorded = {false};
        Runnable record = () -> {
            if (!recorded[0]) {
                recorded[0] = true;
                int status = response.ended() ? response.getStatusCode() : CLIENT_CLOSED;
                metrics.finished(route, exchange.model(), status, System.nanoTime() - exchange.startNanos(), exchange.upstreamNanos());
                exchange.finish();
            }
        };
        response.endHandler(v -> record.run());
        response.closeHandler(v -> {
            exchange.cancel();
            record.run();
        });
        return exchange;
    }
}
