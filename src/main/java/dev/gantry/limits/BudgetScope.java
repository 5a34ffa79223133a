package dev.gantry.limits;

/**
 * A budget a request's cost counts against. {@code periodId} names the current budget period
 * (e.g. its start in epoch millis), so counters of a past period are never mixed with this one;
 * {@code maxNanos} is the budget in nano-dollars.
 */
public record BudgetScope(String id, String periodId, long maxNanos) {
}
