package dev.gantry.limits;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers. The first failure marks it down (one warning per outage) and starts a
 * probe; while down, requests do not wait for Redis at all, so an outage costs the timeout once,
 * not on every request. When a PING answers again, it is marked up and {@code onBack} runs.
 */
final class RedisHealth {

    private static final Logger LOG = LoggerFactory.getLogger(RedisHealth.class);

    private final Vertx vertx;
    private final Redis redis;
    private final long timeoutMs;
    private final long probeMs;
    private final boolean failOpen;
    private final Runnable onBack;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong outages = new AtomicLong();
    private volatile long probeTimer = -1;
    private volatile boolean closed;

    RedisHealth(Vertx vertx, Redis redis, long timeoutMs, long probeMs, boolean failOpen, Runnable onBack) {
        this.vertx = vertx;
        this.redis = redis;
        this.timeoutMs = timeoutMs;
        this.probeMs = probeMs;
        this.failOpen = failOpen;
        this.onBack = onBack;
    }

    boolean up() {
        return up.get();
    }

    long outages() {
        return outages.get();
    }

    void failed(Throwable cause) {
        if (closed || !up.compareAndSet(true, false)) {
            return;
        }
        outages.incrementAndGet();
        LOG.warn("Redis is unreachable ({}); rate limits and budgets are now {} until it answers again",
                cause.toString(), failOpen ? "per instance (fail_open)" : "refusing requests with 503 (fail_closed)");
        probeTimer = vertx.setPeriodic(probeMs, id -> probe());
    }

    private void probe() {
        redis.send(Request.cmd(Command.PING)).timeout(Math.max(timeoutMs, 200), TimeUnit.MILLISECONDS).onSuccess(pong -> {
            if (!closed && !up.get()) {
                vertx.cancelTimer(probeTimer);
                up.set(true);
                LOG.info("Redis answers again; rate limits and budgets are shared across instances again");
                onBack.run();
            }
        });
    }

    void close() {
        closed = true;
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
    }
}
