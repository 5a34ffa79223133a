package dev.gantry.route;

import dev.gantry.config.GantryConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The live state of every deployment (by id) and of Ollama residency, shared by all event loops. */
public final class RoutingState {

    private final ConcurrentHashMap<String, DeploymentState> states = new ConcurrentHashMap<>();
    private final GantryConfig.Cooldown cooldown;
    private final Residency residency = new Residency();

    public RoutingState(GantryConfig.Cooldown cooldown) {
        this.cooldown = cooldown;
    }

    public DeploymentState of(Deployment d) {
        DeploymentState s = states.get(d.id());
        return s != null ? s : states.computeIfAbsent(d.id(), id -> new DeploymentState(d, cooldown));
    }

    public Residency residency() {
        return residency;
    }

    /** Every deployment that has been routed to, sorted by id (for /health/ready and metrics). */
    public List<DeploymentState> all() {
        List<DeploymentState> list = new ArrayList<>(states.values());
        list.sort(Comparator.comparing(s -> s.deployment().id()));
        return list;
    }
}
