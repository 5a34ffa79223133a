package dev.gantry.limits;

import java.util.List;

/** Turns scope readings into decisions, the same way for the local and the Redis limiter. */
final class Verdicts {

    private Verdicts() {}

    static Decision allowed(ScopeReading[] readings, Ticket ticket, long estTokens, long estCostNanos) {
        return new Decision(true, null, 0, requests(readings), tokens(readings), null, ticket, estTokens, estCostNanos, false);
    }

    static Decision rateRefused(ScopeReading[] readings, long estTokens) {
        ScopeReading worst = null;
        for (ScopeReading r : readings) {
            if (r.waitMs() > 0 && (worst == null || r.waitMs() > worst.waitMs())) {
                worst = r;
            }
        }
        long retryAfter = Math.max(1, (worst.waitMs() + 999) / 1000);
        return new Decision(false, Refusal.RATE, retryAfter, requests(readings), tokens(readings), why(worst, estTokens), null, 0, 0, false);
    }

    static Decision budgetRefused(BudgetScope budget, ScopeReading[] readings) {
        String message = "Budget exhausted for " + budget.id() + ": its spend limit for this period is reached;"
                + " it resets with the next budget period, or an admin can raise it";
        return new Decision(false, Refusal.BUDGET, 0, requests(readings), tokens(readings), message, null, 0, 0, false);
    }

    static Decision budgetUnavailable(BudgetScope budget) {
        return Decision.unavailable("The spend of budget " + budget.id() + " could not be loaded; try again shortly");
    }

    private static String why(ScopeReading r, long estTokens) {
        LimitScope s = r.scope();
        if (s.maxParallel() != null && r.parallelUsed() >= s.maxParallel()) {
            return "Rate limit exceeded for " + s.id() + ": at most " + s.maxParallel() + " requests in parallel";
        }
        if (s.rpm() != null && r.requestsUsed() + 1 > s.rpm()) {
            return "Rate limit exceeded for " + s.id() + ": " + s.rpm() + " requests per minute";
        }
        if (s.tpm() != null && estTokens > s.tpm()) {
            return "Request too large for " + s.id() + ": about " + estTokens + " tokens, the limit is " + s.tpm() + " tokens per minute";
        }
        return "Rate limit exceeded for " + s.id() + ": " + s.tpm() + " tokens per minute";
    }

    /** The requests headers of the scope with the least room left; null if no scope limits requests. */
    static RateInfo requests(ScopeReading[] readings) {
        RateInfo best = null;
        for (ScopeReading r : readings) {
            Long limit = r.scope().rpm();
            if (limit != null) {
                long remaining = Math.max(0, limit - r.requestsUsed());
                if (best == null || remaining < best.remaining()) {
                    best = new RateInfo(limit, remaining, r.requestsResetMs());
                }
            }
        }
        return best;
    }

    static RateInfo tokens(ScopeReading[] readings) {
        RateInfo best = null;
        for (ScopeReading r : readings) {
            Long limit = r.scope().tpm();
            if (limit != null) {
                long remaining = Math.max(0, limit - r.tokensUsed());
                if (best == null || remaining < best.remaining()) {
                    best = new RateInfo(limit, remaining, r.tokensResetMs());
                }
            }
        }
        return best;
    }

    /** The scopes that limit something, in the given order; the same list when all do. */
    static List<LimitScope> limited(List<LimitScope> scopes) {
        for (int i = 0; i < scopes.size(); i++) {
            if (scopes.get(i).unlimited()) {
                return scopes.stream().filter(s -> !s.unlimited()).toList();
            }
        }
        return scopes;
    }
}
