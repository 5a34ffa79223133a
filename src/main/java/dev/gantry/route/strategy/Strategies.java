package dev.gantry.route.strategy;

import dev.gantry.route.Residency;
import dev.gantry.route.Strategy;

/** Builds a strategy from its config name (routing.strategy or a model's own strategy). */
public final class Strategies {

    private Strategies() {}

    public static Strategy of(String name, Residency residency) {
        return switch (name) {
            case "weighted" -> new WeightedStrategy();
            case "round-robin" -> new RoundRobinStrategy();
            case "least-busy" -> new LeastBusyStrategy();
            case "latency" -> new LatencyStrategy();
            case "usage" -> new UsageStrategy();
            case "cost" -> new CostStrategy();
            case "residency" -> new ResidencyStrategy(residency);
            default -> throw new IllegalArgumentException("unknown routing strategy: " + name);
        };
    }
}
