package dev.gantry.route.strategy;

import dev.gantry.route.DeploymentState;
import dev.gantry.route.Strategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each candidate in turn. One counter per strategy instance, which is one per model group. */
public final class RoundRobinStrategy implements Strategy {

    private final AtomicLong next = new AtomicLong();

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
