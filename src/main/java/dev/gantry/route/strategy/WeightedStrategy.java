package dev.gantry.route.strategy;

import dev.gantry.route.DeploymentState;
import dev.gantry.route.Strategy;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Random, in proportion to each deployment's {@code weight} (all zero: uniform). The default. */
public final class WeightedStrategy implements Strategy {

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        return pick(candidates);
    }

    static DeploymentState pick(List<DeploymentState> candidates) {
        int total = 0;
        for (DeploymentState s : candidates) {
            total += s.deployment().weight();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (total <= 0) {
            return candidates.get(random.nextInt(candidates.size()));
        }
        int ticket = random.nextInt(total);
        for (DeploymentState s : candidates) {
            ticket -= s.deployment().weight();
            if (ticket < 0) {
                return s;
            }
        }
        return candidates.get(candidates.size() - 1);
    }
}
