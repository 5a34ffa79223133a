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

    /**
     * The state of a deployment within its group. The same upstream may serve two public names
     * with different settings (max_tokens, limits), so state is kept per group and id.
     */
    public DeploymentState of(Deployment d) {
        String key = d.publicName() + '\u0000' + d.id();
        DeploymentState s = states.get(key);
        return s != null ? s : states.computeIfAbsent(key, k -> new DeploymentState(d, cooldown));
    }

    public Residency residency() {
        return residency;
    }

    /** Every deployment that has been routed to, sorted by id (for /health/ready and metrics). */
    public List<DeploymentState> all() {
        List<DeploymentState> list = new ArrayList<>(states.values());
        list.sort(Comparator.comparing((DeploymentState s) -> s.deployment().id()).thenComparing(s -> s.deployment().publicName()));
        return list;
    }
}
