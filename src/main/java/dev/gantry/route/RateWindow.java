package dev.gantry.route;

/**
 * A rolling one-minute sum (requests or tokens) kept in one-second buckets, so "requests in the
 * last 60 s" is exact to the second without storing every event. Shared by all event loops.
 */
final class RateWindow {

    private static final int BUCKETS = 60;
    private static final long SECOND = 1_000_000_000L;

    private final long[] counts = new long[BUCKETS];
    private final long[] seconds = new long[BUCKETS];

    synchronized void add(long nowNanos, long amount) {
        long second = nowNanos / SECOND;
        int i = (int) Math.floorMod(second, (long) BUCKETS);
        if (seconds[i] != second) {
            seconds[i] = second;
            counts[i] = 0;
        }
        counts[i] += amount;
    }

    synchronized long sum(long nowNanos) {
        long second = nowNanos / SECOND;
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (second - seconds[i] < BUCKETS) {
                total += counts[i];
            }
        }
        return total;
    }

    /** Nanoseconds until the oldest counted second leaves the window (when room may appear again). */
    synchronized long nanosUntilOldestExpires(long nowNanos) {
        long second = nowNanos / SECOND;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] != 0 && second - seconds[i] < BUCKETS) {
                oldest = Math.min(oldest, seconds[i]);
            }
        }
        if (oldest == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(1, (oldest + BUCKETS) * SECOND - nowNanos);
    }
}
