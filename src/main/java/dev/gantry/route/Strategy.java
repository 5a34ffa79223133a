package dev.gantry.route;

import java.util.List;

/**
 * Chooses one deployment among candidates that are all eligible (healthy, allowed, with room).
 * Implementations are stateless or use only thread-safe state: they run on every event loop.
 */
public interface Strategy {

    /** @param candidates never empty */
    DeploymentState choose(List<DeploymentState> candidates, long now);
}
