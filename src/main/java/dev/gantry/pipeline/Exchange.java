package dev.gantry.pipeline;

import dev.gantry.auth.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything one request carries through the gateway: ids, the caller, timing, and the cancel
 * signal tied to the client connection. All access happens on the request's event loop, so it
 * needs no locking.
 */
public final class Exchange {

    private final String requestId;
    private final String route;
    private final long startNanos = System.nanoTime();
    private Principal principal;
    private String model = "";
    private long upstreamNanos;
    private boolean cancelled;
    private long deadlineNanos = Long.MAX_VALUE;
    private String deployment;
    private int attempts;
    private RouteHints hints = RouteHints.NONE;
    private long costNanos = -1;
    private java.util.function.LongConsumer costListener;
    private final List<Runnable> finishHooks = new ArrayList<>(1);
    private boolean finished;
    private java.util.Map<String, String> responseHeaders = java.util.Map.of();
    private dev.gantry.limits.Decision decision;
    private final List<Runnable> cancelHooks = new ArrayList<>(2);

    public Exchange(String route) {
        this.requestId = newRequestId();
        this.route = route;
    }

    private static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    public String requestId() {
        return requestId;
    }

    public String route() {
        return route;
    }

    public long startNanos() {
        return startNanos;
    }

    public Principal principal() {
        return principal;
    }

    public void principal(Principal principal) {
        this.principal = principal;
    }

    public String model() {
        return model;
    }

    public void model(String model) {
        this.model = model;
    }

    /** Time spent waiting on upstreams, subtracted from the total to get the gateway's own overhead. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    public void addUpstreamNanos(long nanos) {
        upstreamNanos += nanos;
    }

    /** Sets the moment the whole request must be done by (routing.timeout). */
    public void deadline(long nanos) {
        this.deadlineNanos = nanos;
    }

    /** Milliseconds until the deadline, or {@code Long.MAX_VALUE} when there is none. */
    public long millisLeft() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /** Tags and privacy the client asked routing to respect. */
    public RouteHints hints() {
        return hints;
    }

    public void hints(RouteHints hints) {
        this.hints = hints;
    }

    /** The id of the deployment that served (or last tried) this request; null before routing. */
    public String deployment() {
        return deployment;
    }

    /** How many upstream calls this request made. */
    public int attempts() {
        return attempts;
    }

    /** Records one upstream attempt on {@code deploymentId}. */
    public void attempted(String deploymentId) {
        this.deployment = deploymentId;
        this.attempts++;
    }

    /** Headers every response to this request carries (x-ratelimit-*, Retry-After on refusal). */
    public java.util.Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    public void responseHeaders(java.util.Map<String, String> headers) {
        this.responseHeaders = headers;
    }

    /** The admission that holds this request's reservations; null when nothing limits it. */
    public dev.gantry.limits.Decision decision() {
        return decision;
    }

    public void decision(dev.gantry.limits.Decision decision) {
        this.decision = decision;
    }

    /** What this request cost, in nano-dollars; -1 until it is known (the answer ended). */
    public long costNanos() {
        return costNanos;
    }

    public void cost(long nanos) {
        this.costNanos = nanos;
        if (costListener != null) {
            costListener.accept(nanos);
        }
    }

    /** Told the cost once it is known (the surface writes it as a header or trailer). */
    public void onCost(java.util.function.LongConsumer listener) {
        this.costListener = listener;
    }

    /** Runs {@code hook} once when the request is over, however it ended (answered, failed, abandoned). */
    public void onFinish(Runnable hook) {
        if (finished) {
            hook.run();
        } else {
            finishHooks.add(hook);
        }
    }

    /** Called exactly once by the surface when the response ended or the client went away. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (Runnable hook : finishHooks) {
            hook.run();
        }
        finishHooks.clear();
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Runs {@code hook} when the client goes away; at once if it already has. */
    public void onCancel(Runnable hook) {
        if (cancelled) {
            hook.run();
        } else {
            cancelHooks.add(hook);
        }
    }

    /** Called when the client disconnected: every registered hook runs once. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable hook : cancelHooks) {
            hook.run();
        }
        cancelHooks.clear();
    }
}
