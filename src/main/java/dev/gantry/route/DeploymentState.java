package dev.gantry.route;

import dev.gantry.config.GantryConfig;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What routing knows about one deployment right now: requests in flight, the last minute's
 * requests and tokens, recent latency, and its health (failures, cooldown). Shared by every event
 * loop; each method is short and either atomic or synchronized on this object.
 */
public final class DeploymentState {

    /** Health as shown on /health/ready and in metrics. */
    public enum Health { HEALTHY, COOLING_DOWN, PROBING }

    private static final double EWMA_WEIGHT = 0.3;

    private final Deployment deployment;
    private final GantryConfig.Cooldown cooldown;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final RateWindow requests = new RateWindow();
    private final RateWindow tokens = new RateWindow();
    private final ArrayDeque<Long> failures = new ArrayDeque<>();
    private volatile double latencyMillis = Double.NaN;
    private volatile long coolUntil;      // nanoTime; 0 = not cooling
    private volatile long restUntil;      // nanoTime; upstream asked us to wait (Retry-After)
    private volatile boolean probe;       // cooldown over: the next request is a probe
    private volatile boolean probeInFlight;
    private volatile String lastError;
    private final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();

    DeploymentState(Deployment deployment, GantryConfig.Cooldown cooldown) {
        this.deployment = deployment;
        this.cooldown = cooldown;
    }

    public Deployment deployment() {
        return deployment;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Recent latency to the first byte (EWMA, ms); NaN before the first success. */
    public double latencyMillis() {
        return latencyMillis;
    }

    public long requestsLastMinute(long now) {
        return requests.sum(now);
    }

    public long tokensLastMinute(long now) {
        return tokens.sum(now);
    }

    public long served() {
        return served.get();
    }

    public long failed() {
        return failed.get();
    }

    public String lastError() {
        return lastError;
    }

    public Health health(long now) {
        if (coolUntil != 0 && now < coolUntil) {
            return Health.COOLING_DOWN;
        }
        return probe ? Health.PROBING : Health.HEALTHY;
    }

    /** True while the deployment must not get traffic: cooling down, resting on Retry-After, or its probe is out. */
    public boolean unavailable(long now) {
        if (now < restUntil) {
            return true;
        }
        if (coolUntil != 0 && now < coolUntil) {
            return true;
        }
        return probe && probeInFlight;
    }

    /** When it becomes available again (nanoTime), for the last-resort choice among resting deployments. */
    long availableAt() {
        return Math.max(restUntil, coolUntil);
    }

    /** Whether the limits (max_concurrency, rpm, tpm) leave room for a request of {@code estimatedTokens}. */
    public boolean hasCapacity(long now, int estimatedTokens) {
        GantryConfig.DeploymentConfig c = deployment.config();
        if (c.maxConcurrency() != null && inFlight.get() >= c.maxConcurrency()) {
            return false;
        }
        if (c.rpm() != null && requests.sum(now) >= c.rpm()) {
            return false;
        }
        return c.tpm() == null || tokens.sum(now) + estimatedTokens <= c.tpm() || tokens.sum(now) == 0;
    }

    /** Nanoseconds until the rate windows may have room again (0 if only concurrency is the limit). */
    long nanosUntilRoom(long now) {
        GantryConfig.DeploymentConfig c = deployment.config();
        long wait = 0;
        if (c.rpm() != null && requests.sum(now) >= c.rpm()) {
            wait = Math.max(wait, requests.nanosUntilOldestExpires(now));
        }
        if (c.tpm() != null && tokens.sum(now) >= c.tpm()) {
            wait = Math.max(wait, tokens.nanosUntilOldestExpires(now));
        }
        return wait;
    }

    /** Takes a slot if the limits allow; the caller must end it with {@link #finish}. */
    synchronized boolean tryAcquire(long now, int estimatedTokens) {
        if (!hasCapacity(now, estimatedTokens)) {
            return false;
        }
        if (probe) {
            if (probeInFlight) {
                return false;
            }
            probeInFlight = true;
        }
        inFlight.incrementAndGet();
        requests.add(now, 1);
        tokens.add(now, estimatedTokens);
        return true;
    }

    /** Takes a slot ignoring health (the last resort when everything is cooling down); limits still apply. */
    synchronized boolean forceAcquire(long now, int estimatedTokens) {
        if (!hasCapacity(now, estimatedTokens)) {
            return false;
        }
        inFlight.incrementAndGet();
        requests.add(now, 1);
        tokens.add(now, estimatedTokens);
        return true;
    }

    /**
     * Ends a slot. {@code tokenCorrection} replaces the estimate with what was really used.
     * {@code retryAfterNanos} > 0 rests the deployment that long (the upstream asked for it).
     */
    synchronized void finish(long now, boolean success, boolean countsAsFailure, long ttfbNanos, long tokenCorrection,
                             long retryAfterNanos, String error) {
        inFlight.decrementAndGet();
        if (tokenCorrection != 0) {
            tokens.add(now, tokenCorrection);
        }
        if (retryAfterNanos > 0) {
            restUntil = Math.max(restUntil, now + retryAfterNanos);
        }
        if (success) {
            served.incrementAndGet();
            if (ttfbNanos > 0) {
                double ms = ttfbNanos / 1e6;
                double old = latencyMillis;
                latencyMillis = Double.isNaN(old) ? ms : old + EWMA_WEIGHT * (ms - old);
            }
            failures.clear();
            coolUntil = 0;
            probe = false;
            probeInFlight = false;
            return;
        }
        if (!countsAsFailure) {
            probeInFlight = false;
            return;
        }
        failed.incrementAndGet();
        lastError = error;
        if (probe) {
            // The probe after a cooldown failed: rest again at once.
            probeInFlight = false;
            coolFor(now);
            return;
        }
        long windowStart = now - cooldown.window().toNanos();
        while (!failures.isEmpty() && failures.peekFirst() < windowStart) {
            failures.pollFirst();
        }
        failures.addLast(now);
        if (failures.size() >= cooldown.failures()) {
            coolFor(now);
        }
    }

    private void coolFor(long now) {
        failures.clear();
        coolUntil = now + cooldown.duration().toNanos();
        probe = true; // after the cooldown one request probes before traffic returns
    }
}
