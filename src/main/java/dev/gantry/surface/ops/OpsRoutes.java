package dev.gantry.surface.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.provider.Json;
import dev.gantry.route.DeploymentState;
import dev.gantry.route.RoutingState;
import dev.gantry.route.UpstreamMonitor;
import dev.gantry.route.UpstreamStatus;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.ext.web.Router;
import java.time.Instant;

/** {@code /health/live}, {@code /health/ready} and {@code /metrics}. None of them needs a key; none reveals one. */
public final class OpsRoutes {

    private final UpstreamMonitor monitor;
    private final GatewayMetrics metrics;
    private final RoutingState routing;

    public OpsRoutes(UpstreamMonitor monitor, GatewayMetrics metrics, RoutingState routing) {
        this.monitor = monitor;
        this.metrics = metrics;
        this.routing = routing;
    }

    public void mount(Router router) {
        router.get("/health/live").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json").end("{\"status\":\"live\"}"));
        router.get("/health/ready").handler(ctx -> {
            boolean ready = monitor.anyReachable();
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("status", ready ? "ready" : "not_ready");
            body.put("config", "loaded");
            ArrayNode ups = body.putArray("upstreams");
            for (UpstreamStatus s : monitor.statuses()) {
                ObjectNode u = ups.addObject();
                u.put("id", s.id());
                u.put("kind", s.kind());
                u.put("reachable", s.reachable());
                if (s.kind().equals("ollama-discovery")) {
                    u.put("models", s.models());
                }
                if (s.error() != null) {
                    u.put("error", s.error());
                }
                u.put("checked_at", Instant.ofEpochMilli(s.checkedAtMillis()).toString());
            }
            ArrayNode deployments = body.putArray("deployments");
            long now = System.nanoTime();
            for (DeploymentState s : routing.all()) {
                ObjectNode d = deployments.addObject();
                d.put("id", s.deployment().id());
                d.put("model", s.deployment().publicName());
                d.put("state", s.health(now).name().toLowerCase(java.util.Locale.ROOT));
                d.put("in_flight", s.inFlight());
                d.put("served", s.served());
                d.put("failed", s.failed());
                if (!Double.isNaN(s.latencyMillis())) {
                    d.put("latency_ms", Math.round(s.latencyMillis() * 10) / 10.0);
                }
                if (s.lastError() != null) {
                    d.put("last_error", s.lastError());
                }
            }
            ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "application/json").end(body.toString());
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
    }
}
