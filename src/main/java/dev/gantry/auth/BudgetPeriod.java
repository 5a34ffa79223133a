package dev.gantry.auth;

import java.time.Duration;

/**
 * Budget periods of a key, team or user. Periods start at the entity's creation and repeat every
 * {@code budget_duration}; with no duration there is one period for ever. Anchoring on creation
 * (not on calendar months) means every instance computes the same boundaries from stored data
 * alone, with no scheduler resetting counters.
 */
public final class BudgetPeriod {

    /** The period id of a budget without a duration. */
    public static final String FOREVER = "all";

    private BudgetPeriod() {}

    /** Epoch millis at which the period containing {@code nowMillis} began (never before creation). */
    public static long start(long createdAtMillis, Duration duration, long nowMillis) {
        long length = lengthMillis(duration);
        if (length == 0 || nowMillis <= createdAtMillis) {
            return createdAtMillis;
        }
        long elapsed = nowMillis - createdAtMillis;
        return createdAtMillis + (elapsed / length) * length;
    }

    /** Epoch millis at which that period ends (exclusive); {@link Long#MAX_VALUE} without a duration. */
    public static long end(long createdAtMillis, Duration duration, long nowMillis) {
        long length = lengthMillis(duration);
        return length == 0 ? Long.MAX_VALUE : start(createdAtMillis, duration, nowMillis) + length;
    }

    /**
     * A stable name for the period containing {@code nowMillis}: the same on every instance for the
     * whole period, different for the next one, and different when the duration is changed, so a
     * counter kept under it never mixes two periods.
     */
    public static String periodId(long createdAtMillis, Duration duration, long nowMillis) {
        long length = lengthMillis(duration);
        return length == 0 ? FOREVER : start(createdAtMillis, duration, nowMillis) + "+" + length;
    }

    private static long lengthMillis(Duration duration) {
        if (duration == null) {
            return 0;
        }
        if (duration.toMillis() <= 0) {
            throw new IllegalArgumentException("a budget duration must be at least 1 ms, got " + duration);
        }
        return duration.toMillis();
    }
}
