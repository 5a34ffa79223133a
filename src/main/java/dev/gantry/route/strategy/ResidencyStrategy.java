package dev.gantry.route.strategy;

import dev.gantry.route.DeploymentState;
import dev.gantry.route.ProviderType;
import dev.gantry.route.Residency;
import dev.gantry.route.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefers Ollama nodes that have the model loaded (their {@code /api/ps} lists it), least busy
 * first. Cloud deployments count as always warm. When every warm node is busy (at least
 * {@value #BUSY} requests in flight, Ollama's default parallelism) and a cold one is idle, the
 * cold one takes the request: loading there beats queueing behind a full node.
 */
public final class ResidencyStrategy implements Strategy {

    static final int BUSY = 4;

    private final Residency residency;

    public ResidencyStrategy(Residency residency) {
        this.residency = residency;
    }

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        List<DeploymentState> warm = new ArrayList<>(candidates.size());
        List<DeploymentState> cold = new ArrayList<>(candidates.size());
        for (DeploymentState s : candidates) {
            (isWarm(s) ? warm : cold).add(s);
        }
        if (warm.isEmpty()) {
            return LeastBusyStrategy.leastBusy(cold);
        }
        DeploymentState best = LeastBusyStrategy.leastBusy(warm);
        if (best.inFlight() >= BUSY && !cold.isEmpty()) {
            DeploymentState idle = LeastBusyStrategy.leastBusy(cold);
            if (idle.inFlight() == 0) {
                return idle;
            }
        }
        return best;
    }

    private boolean isWarm(DeploymentState s) {
        return s.deployment().provider() != ProviderType.OLLAMA
                || residency.isLoaded(s.deployment().baseUrl(), s.deployment().upstreamModel());
    }
}
