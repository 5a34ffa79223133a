package dev.gantry.limits;

import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Settings of the Redis-backed limiter.
 *
 * @param timeout       how long an admission waits for Redis before it counts as down (per-instance fallback)
 * @param failOpen      while Redis is down: true admits by per-instance limits, false refuses with 503
 * @param leaseTtl      how long a parallel slot or budget reservation lives unless its instance renews it
 *                      (renewed every third of it): the longest a dead instance's slots stay taken
 * @param budgetIdleTtl how long an unused budget counter stays in Redis before it is loaded again from the database
 * @param probeEvery    how often an instance that lost Redis checks whether it is back
 * @param keyPrefix     prefix of every key; the {hash tag} keeps all keys in one cluster slot, as the scripts need
 * @param clock         wall-clock milliseconds for tests; null uses the Redis server's clock, so instances agree
 */
public record RedisLimiterOptions(Duration timeout, boolean failOpen, Duration leaseTtl, Duration budgetIdleTtl,
                                  Duration probeEvery, String keyPrefix, LongSupplier clock) {

    public static final String DEFAULT_PREFIX = "gantry:{limits}:";

    public RedisLimiterOptions {
        if (leaseTtl.toMillis() < 3000) {
            throw new IllegalArgumentException("leaseTtl must be at least 3s");
        }
    }

    public static RedisLimiterOptions defaults() {
        return new RedisLimiterOptions(Duration.ofMillis(250), true, Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofSeconds(1), DEFAULT_PREFIX, null);
    }

    public RedisLimiterOptions withTimeout(Duration t) {
        return new RedisLimiterOptions(t, failOpen, leaseTtl, budgetIdleTtl, probeEvery, keyPrefix, clock);
    }

    public RedisLimiterOptions withFailOpen(boolean open) {
        return new RedisLimiterOptions(timeout, open, leaseTtl, budgetIdleTtl, probeEvery, keyPrefix, clock);
    }

    public RedisLimiterOptions withLeaseTtl(Duration ttl) {
        return new RedisLimiterOptions(timeout, failOpen, ttl, budgetIdleTtl, probeEvery, keyPrefix, clock);
    }

    public RedisLimiterOptions withProbeEvery(Duration every) {
        return new RedisLimiterOptions(timeout, failOpen, leaseTtl, budgetIdleTtl, every, keyPrefix, clock);
    }

    public RedisLimiterOptions withKeyPrefix(String prefix) {
        return new RedisLimiterOptions(timeout, failOpen, leaseTtl, budgetIdleTtl, probeEvery, prefix, clock);
    }

    public RedisLimiterOptions withClock(LongSupplier c) {
        return new RedisLimiterOptions(timeout, failOpen, leaseTtl, budgetIdleTtl, probeEvery, keyPrefix, c);
    }

    /**
     * Client options fit for the limiter: every admission is one short script, so a small pool with a
     * deep wait queue (the default queue of 24 would refuse bursts) serves many event loops.
     */
    public static RedisOptions clientOptions(String url) {
        return new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(8192).setMaxWaitingHandlers(8192);
    }
}
