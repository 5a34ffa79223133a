package dev.gantry.telemetry;

import dev.gantry.route.DeploymentState;
import dev.gantry.route.RoutingState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Request metrics in Prometheus form. Meters are looked up once per label set and cached, so a
 * request costs a map lookup and a few atomic adds, not a registry search.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> tokens = new ConcurrentHashMap<>();
    private final Timer overhead;
    private final java.util.Set<String> watched = ConcurrentHashMap.newKeySet();
    private volatile RoutingState routing;

    public GatewayMetrics() {
        registry.gauge("gantry_requests_in_flight", inFlight);
        overhead = Timer.builder("gantry_gateway_overhead")
                .description("Time spent in the gateway itself: total request time minus time waiting on upstreams")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
    }

    public void started() {
        inFlight.incrementAndGet();
    }

    /** Records a finished request. {@code model} is the public name the client asked for ("" when unknown). */
    public void finished(String route, String model, int status, long totalNanos, long upstreamNanos) {
        inFlight.decrementAndGet();
        String key = route + '\u0000' + model + '\u0000' + status;
        requests.computeIfAbsent(key, k -> Counter.builder("gantry_requests")
                .description("Requests by route, model and status")
                .tag("route", route).tag("model", model).tag("status", Integer.toString(status))
                .register(registry)).increment();
        latency.computeIfAbsent(route, r -> Timer.builder("gantry_request_duration")
                .description("Whole request time as the client saw it")
                .tag("route", r)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)).record(totalNanos, TimeUnit.NANOSECONDS);
        if (upstreamNanos > 0) {
            overhead.record(Math.max(0, totalNanos - upstreamNanos), TimeUnit.NANOSECONDS);
        }
    }

    /** Tokens the upstream reported (or Gantry estimated), by public model name. */
    public void tokens(String model, long input, long output) {
        if (input > 0) {
            tokenCounter(model, "input").increment(input);
        }
        if (output > 0) {
            tokenCounter(model, "output").increment(output);
        }
    }

    private Counter tokenCounter(String model, String kind) {
        return tokens.computeIfAbsent(model + '\u0000' + kind, k -> Counter.builder("gantry_tokens")
                .description("Tokens processed, by public model name and direction")
                .tag("model", model).tag("kind", kind)
                .register(registry));
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Whether limits are shared through Redis right now, and how often the per-instance fallback decided. */
    public void watchRedis(dev.gantry.limits.RedisLimiter limiter) {
        Gauge.builder("gantry_redis_available", limiter, l -> l.redisAvailable() ? 1 : 0)
                .description("1 while rate limits and budgets are shared through Redis; 0 while each instance limits on its own").register(registry);
        FunctionCounter.builder("gantry_limits_fallback_decisions", limiter, dev.gantry.limits.RedisLimiter::fallbackDecisions)
                .description("Admissions decided per instance because Redis was unavailable").register(registry);
    }

    /** Spend waiting for the database, and whether the spool and the database accept it. */
    public void watchSpend(dev.gantry.account.SpendRecorder spend) {
        Gauge.builder("gantry_spend_pending", spend, dev.gantry.account.SpendRecorder::pending)
                .description("Spend events not yet confirmed by the database (all of them are in the spool)").register(registry);
        Gauge.builder("gantry_spend_store_healthy", spend, s -> s.storeHealthy() ? 1 : 0)
                .description("1 while the database accepts spend events").register(registry);
        Gauge.builder("gantry_spend_spool_healthy", spend, s -> s.spoolHealthy() ? 1 : 0)
                .description("1 while the spool file accepts writes").register(registry);
    }

    /** Deployment health, load and outcomes become metrics; read at scrape time, so they cost the request path nothing. */
    public void watchRouting(RoutingState routing) {
        this.routing = routing;
    }

    private void registerDeployments() {
        if (routing == null) {
            return;
        }
        for (DeploymentState s : routing.all()) {
            String id = s.deployment().id();
            String model = s.deployment().publicName();
            if (!watched.add(model + '\u0000' + id)) {
                continue;
            }
            Gauge.builder("gantry_deployment_healthy", s, st -> st.health(System.nanoTime()) == DeploymentState.Health.HEALTHY ? 1 : 0)
                    .description("1 while the deployment takes traffic, 0 while it cools down or waits for its probe")
                    .tag("deployment", id).tag("model", model).register(registry);
            Gauge.builder("gantry_deployment_in_flight", s, DeploymentState::inFlight)
                    .description("Requests in flight on the deployment").tag("deployment", id).tag("model", model).register(registry);
            FunctionCounter.builder("gantry_deployment_calls", s, DeploymentState::served)
                    .description("Upstream calls by deployment and outcome").tag("deployment", id).tag("model", model).tag("outcome", "success").register(registry);
            FunctionCounter.builder("gantry_deployment_calls", s, DeploymentState::failed)
                    .description("Upstream calls by deployment and outcome").tag("deployment", id).tag("model", model).tag("outcome", "failure").register(registry);
        }
    }

    public String scrape() {
        registerDeployments();
        return registry.scrape();
    }
}
