package dev.gantry.limits;

import dev.gantry.model.GatewayError;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcome of an admission. When allowed, it holds the request's reservations until
 * {@link Limiter#settle} and {@link Limiter#release}; either way it carries the values of the
 * {@code x-ratelimit-*} headers for the tightest scope (null when no scope limits that dimension).
 */
public final class Decision {

    private static final int SETTLED = 1;
    private static final int RELEASED = 2;

    static final Decision UNLIMITED = new Decision(true, null, 0, null, null, null, null, 0, 0, false);
    static final Future<Decision> UNLIMITED_FUTURE = Future.succeededFuture(UNLIMITED);

    private final boolean allowed;
    private final Refusal refusal;
    private final long retryAfterSeconds;
    private final RateInfo requests;
    private final RateInfo tokens;
    private final String message;
    private final Ticket ticket;
    private final long estTokens;
    private final long estCostNanos;
    private final boolean fallback;
    private final AtomicInteger state = new AtomicInteger();

    Decision(boolean allowed, Refusal refusal, long retryAfterSeconds, RateInfo requests, RateInfo tokens, String message,
             Ticket ticket, long estTokens, long estCostNanos, boolean fallback) {
        this.allowed = allowed;
        this.refusal = refusal;
        this.retryAfterSeconds = retryAfterSeconds;
        this.requests = requests;
        this.tokens = tokens;
        this.message = message;
        this.ticket = ticket;
        this.estTokens = estTokens;
        this.estCostNanos = estCostNanos;
        this.fallback = fallback;
    }

    static Decision unavailable(String message) {
        return new Decision(false, Refusal.UNAVAILABLE, 1, null, null, message, null, 0, 0, false);
    }

    /** The same decision, marked as made by the per-instance fallback while shared state was down. */
    Decision asFallback() {
        return fallback ? this : new Decision(allowed, refusal, retryAfterSeconds, requests, tokens, message, ticket, estTokens, estCostNanos, true);
    }

    public boolean allowed() {
        return allowed;
    }

    /** Why it was refused; null when allowed. */
    public Refusal refusal() {
        return refusal;
    }

    /** Seconds until a retry may succeed (RATE, UNAVAILABLE); 0 when allowed or for BUDGET. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public RateInfo requests() {
        return requests;
    }

    public RateInfo tokens() {
        return tokens;
    }

    /** Says which scope refused and why, fit to show the client; null when allowed. */
    public String message() {
        return message;
    }

    /** True when shared state (Redis) was unreachable and per-instance limits decided. */
    public boolean viaFallback() {
        return fallback;
    }

    /** The error to answer a refused request with (429, 402 or 503); null when allowed. */
    public GatewayError error() {
        if (allowed) {
            return null;
        }
        return switch (refusal) {
            case RATE -> new GatewayError(refusal.kind(), message, null, "rate_limit_exceeded", retryAfterSeconds);
            case BUDGET -> new GatewayError(refusal.kind(), message, null, "budget_exceeded", null);
            case UNAVAILABLE -> new GatewayError(refusal.kind(), message, null, "overloaded", retryAfterSeconds);
        };
    }

    /** The headers to write on every response: x-ratelimit-* (when limited) and Retry-After (when refused for now). */
    public Map<String, String> headers() {
        if (allowed && requests == null && tokens == null) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        if (requests != null) {
            h.put("x-ratelimit-limit-requests", Long.toString(requests.limit()));
            h.put("x-ratelimit-remaining-requests", Long.toString(requests.remaining()));
            h.put("x-ratelimit-reset-requests", requests.resetText());
        }
        if (tokens != null) {
            h.put("x-ratelimit-limit-tokens", Long.toString(tokens.limit()));
            h.put("x-ratelimit-remaining-tokens", Long.toString(tokens.remaining()));
            h.put("x-ratelimit-reset-tokens", tokens.resetText());
        }
        if (!allowed && retryAfterSeconds > 0) {
            h.put("Retry-After", Long.toString(retryAfterSeconds));
        }
        return h;
    }

    void settle(long actualTokens, long actualCostNanos) {
        if (ticket != null && mark(SETTLED)) {
            ticket.settle(Math.max(0, actualTokens), Math.max(0, actualCostNanos));
        }
    }

    void release() {
        if (ticket != null && mark(RELEASED)) {
            settle(estTokens, estCostNanos); // no real usage came: the estimates stand
            ticket.release();
        }
    }

    private boolean mark(int bit) {
        int s;
        do {
            s = state.get();
            if ((s & bit) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s | bit));
        return true;
    }

    @Override
    public String toString() {
        return allowed ? "Decision[allowed" + (fallback ? ", fallback]" : "]") : "Decision[" + refusal + ": " + message + "]";
    }
}
