package dev.gantry.route.strategy;

import dev.gantry.config.GantryConfig;
import dev.gantry.route.DeploymentState;
import dev.gantry.route.Strategy;
import java.util.ArrayList;
import java.util.List;

/** The cheapest deployment by {@code price} (input + output per 1M tokens); equals share by weight. */
public final class CostStrategy implements Strategy {

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        double cheapest = Double.MAX_VALUE;
        for (DeploymentState s : candidates) {
            cheapest = Math.min(cheapest, price(s));
        }
        List<DeploymentState> best = new ArrayList<>(candidates.size());
        for (DeploymentState s : candidates) {
            if (price(s) <= cheapest) {
                best.add(s);
            }
        }
        return WeightedStrategy.pick(best);
    }

    private static double price(DeploymentState s) {
        GantryConfig.Price p = s.deployment().price();
        return p.input() + p.output();
    }
}
