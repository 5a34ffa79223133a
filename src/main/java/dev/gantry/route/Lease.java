package dev.gantry.route;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;

/**
 * One attempt's hold on a deployment, from the pick until the answer ended. Ending it frees the
 * slot, feeds latency, token and health state, and wakes queued requests. Only the first end
 * counts; all calls come from the request's event loop.
 */
public final class Lease {

    private final DeploymentState state;
    private final Residency residency;
    private final CapacityQueue queue;
    private final long startNanos = System.nanoTime();
    private final int reservedTokens;
    private long firstByteNanos;
    private boolean ended;

    Lease(DeploymentState state, Residency residency, CapacityQueue queue, int reservedTokens) {
        this.state = state;
        this.residency = residency;
        this.queue = queue;
        this.reservedTokens = reservedTokens;
    }

    public Deployment deployment() {
        return state.deployment();
    }

    /** The upstream answered (2xx headers): its time to first byte feeds the latency strategy. */
    public void firstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime() - startNanos;
        }
    }

    public void succeeded(Usage usage) {
        if (ended) {
            return;
        }
        ended = true;
        long correction = usage == null || usage == Usage.NONE ? 0 : usage.inputTokens() + usage.outputTokens() - reservedTokens;
        state.finish(System.nanoTime(), true, false, firstByteNanos, correction, 0, null);
        Deployment d = state.deployment();
        if (d.provider() == ProviderType.OLLAMA) {
            residency.learned(d.baseUrl(), d.upstreamModel());
        }
        queue.released();
    }

    public void failed(GatewayError error) {
        if (ended) {
            return;
        }
        ended = true;
        boolean deploymentsFault = error.retryable() || error.kind() == ErrorKind.UPSTREAM_ERROR
                || error.kind() == ErrorKind.UPSTREAM_TIMEOUT;
        long rest = 0;
        if ((error.kind() == ErrorKind.RATE_LIMITED || error.kind() == ErrorKind.OVERLOADED) && error.retryAfterSeconds() != null) {
            rest = error.retryAfterSeconds() * 1_000_000_000L;
        }
        state.finish(System.nanoTime(), false, deploymentsFault, 0, 0, rest, error.getMessage());
        queue.released();
    }

    /** The client went away: the slot is freed, nothing is learned about the deployment. */
    public void abandoned() {
        if (ended) {
            return;
        }
        ended = true;
        state.finish(System.nanoTime(), false, false, 0, 0, 0, null);
        queue.released();
    }
}
