package dev.gantry.route.strategy;

import dev.gantry.config.GantryConfig;
import dev.gantry.route.DeploymentState;
import dev.gantry.route.Strategy;
import java.util.List;

/**
 * The deployment furthest from its limits: lowest share of its rpm or tpm used in the last
 * minute (whichever is higher). Deployments without limits compare by tokens used, so the least
 * loaded one still wins.
 */
public final class UsageStrategy implements Strategy {

    @Override
    public DeploymentState choose(List<DeploymentState> candidates, long now) {
        DeploymentState best = null;
        double bestScore = Double.MAX_VALUE;
        for (DeploymentState s : candidates) {
            double score = score(s, now);
            if (score < bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    private static double score(DeploymentState s, long now) {
        GantryConfig.DeploymentConfig c = s.deployment().config();
        if (c.rpm() == null && c.tpm() == null) {
            // Unlimited: a tiny share per token, so limited deployments near zero use are not starved.
            return s.tokensLastMinute(now) / 1e9;
        }
        double share = 0;
        if (c.rpm() != null) {
            share = Math.max(share, (double) s.requestsLastMinute(now) / c.rpm());
        }
        if (c.tpm() != null) {
            share = Math.max(share, (double) s.tokensLastMinute(now) / c.tpm());
        }
        return share;
    }
}
