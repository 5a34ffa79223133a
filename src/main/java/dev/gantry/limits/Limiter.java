package dev.gantry.limits;

import io.vertx.core.Future;
import java.util.List;

/**
 * Rate limits and budgets. A request counts against every scope it belongs to (its key, team and
 * user) and every budget that applies; it is admitted only if all of them admit it, and then all
 * of them count it, atomically. The caller:
 * <pre>
 *   admit(scopes, estTokens, budgets, estCost) → Decision (refused: answer decision.error())
 *   ... the upstream call ...
 *   settle(decision, actualTokens, actualCost)   // real usage replaces the estimates
 *   release(decision)                            // frees its parallel slots
 * </pre>
 * Both settle and release are idempotent; release without settle settles with the estimates.
 * Scopes that are unlimited and an empty budget list cost nothing.
 */
public interface Limiter {

    Future<Decision> admit(List<LimitScope> scopes, long estTokens, List<BudgetScope> budgets, long estCostNanos);

    default void settle(Decision decision, long actualTokens, long actualCostNanos) {
        decision.settle(actualTokens, actualCostNanos);
    }

    default void release(Decision decision) {
        decision.release();
    }

    /** True when only scopes without any limit and no budgets are given: nothing to check. */
    static boolean nothingToCheck(List<LimitScope> scopes, List<BudgetScope> budgets) {
        if (!budgets.isEmpty()) {
            return false;
        }
        for (int i = 0; i < scopes.size(); i++) {
            if (!scopes.get(i).unlimited()) {
                return false;
            }
        }
        return true;
    }
}
