package dev.gantry.route;

import dev.gantry.model.GatewayError;

/** What the router decided for one attempt. */
public sealed interface Pick {

    /** A deployment with a slot taken for this request. */
    record Chosen(DeploymentState state, boolean lastResort) implements Pick {}

    /** Eligible deployments exist but all are at their limits; room may appear in {@code retryNanos} (0: when one finishes). */
    record Saturated(long retryNanos) implements Pick {}

    /** Nothing in this group may serve the request; {@code reason} says why (private, tags, context window, all tried). */
    record Unavailable(GatewayError reason) implements Pick {}
}
