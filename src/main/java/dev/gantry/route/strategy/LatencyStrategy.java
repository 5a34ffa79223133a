package dev.gantry.route.strategy;

import dev.gantry.route.DeploymentState;
import dev.gantry.route.Strategy;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lowest recent time to first byte (EWMA). A deployment with no measurement yet goes first, so
 * every one gets measured; deployments within 10 % of the best share the traffic, so one that is
 * only a little faster does not take everything and hide a change in the others.
 */
public final class LatencyStrategy implements Strategy {

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        double best = Double.MAX_VALUE;
        for (DeploymentState s : candidates) {
            double l = s.latencyMillis();
            if (Double.isNaN(l)) {
                return s;
            }
            best = Math.min(best, l);
        }
        double limit = best * 1.1 + 0.05;
        DeploymentState chosen = null;
        int seen = 0;
        for (DeploymentState s : candidates) {
            if (s.latencyMillis() <= limit && ThreadLocalRandom.current().nextInt(++seen) == 0) {
                chosen = s;
            }
        }
        return chosen;
    }
}
