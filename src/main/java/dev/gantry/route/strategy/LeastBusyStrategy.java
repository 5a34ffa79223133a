package dev.gantry.route.strategy;

import dev.gantry.route.DeploymentState;
import dev.gantry.route.Strategy;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Fewest requests in flight; ties broken at random so idle deployments share the load. */
public final class LeastBusyStrategy implements Strategy {

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        return leastBusy(candidates);
    }

    static DeploymentState leastBusy(List<DeploymentState> candidates) {
        DeploymentState best = null;
        int ties = 0;
        for (DeploymentState s : candidates) {
            int busy = s.inFlight();
            if (best == null || busy < best.inFlight()) {
                best = s;
                ties = 1;
            } else if (busy == best.inFlight() && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = s; // reservoir sampling among equals
            }
        }
        return best;
    }
}
