package dev.gantry.surface.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.provider.Json;
import dev.gantry.route.UpstreamMonitor;
import dev.gantry.route.UpstreamStatus;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.ext.web.Router;
import java.time.Instant;

/** {@code /health/live}, {@code /health/ready} and {@code /metrics}. None of them needs a key; none reveals one. */
public final class OpsRoutes {

    private final UpstreamMonitor monitor;
    private final GatewayMetrics metrics;

    public OpsRoutes(UpstreamMonitor monitor, GatewayMetrics metrics) {
        this.monitor = monitor;
        this.metrics = metrics;
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
            ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "application/json").end(body.toString());
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
    }
}
