package dev.gantry.limits;

import java.util.Arrays;

/**
 * A rolling 60-second sum in one-second buckets, the model route/RateWindow uses for upstream
 * limits: at second s the window holds seconds s-59..s, and a second's count leaves it whole at
 * s+60. The running total is kept as buckets expire, so reading it does not walk the buckets.
 * Not thread-safe: the local limiter holds its lock around every use.
 */
final class Window {

    static final int SPAN = 60;

    private final long[] counts = new long[SPAN];
    private final long[] seconds = new long[SPAN];
    private long total;
    private long last = Long.MIN_VALUE;

    /** Requests or tokens counted in the window ending at second {@code sec}. */
    long used(long sec) {
        advance(sec);
        return total;
    }

    void add(long sec, long amount) {
        long s = advance(sec);
        int i = index(s);
        if (seconds[i] != s) {
            seconds[i] = s;
            counts[i] = 0;
        }
        counts[i] += amount;
        total += amount;
    }

    /** Corrects the count of second {@code bucket} (an estimate settled), if it is still in the window. */
    void adjust(long bucket, long sec, long delta) {
        long s = advance(sec);
        int i = index(bucket);
        if (bucket > s - SPAN && seconds[i] == bucket) {
            long next = Math.max(0, counts[i] + delta);
            total += next - counts[i];
            counts[i] = next;
        }
    }

    /** Milliseconds until {@code need} more fits under {@code limit}: 0 now, a full window if it never fits. */
    long waitMillis(long nowMs, long need, long limit) {
        long s = advance(nowMs / 1000);
        if (total + need <= limit) {
            return 0;
        }
        if (need > limit) {
            return SPAN * 1000L;
        }
        long excess = total + need - limit;
        for (long b = s - SPAN + 1; b <= s; b++) {
            int i = index(b);
            if (seconds[i] == b) {
                excess -= counts[i];
                if (excess <= 0) {
                    return Math.max(1, (b + SPAN) * 1000 - nowMs);
                }
            }
        }
        return SPAN * 1000L;
    }

    /** Milliseconds until the oldest counted second leaves the window; 0 when it is empty. */
    long resetMillis(long nowMs) {
        long s = advance(nowMs / 1000);
        if (total == 0) {
            return 0;
        }
        for (long b = s - SPAN + 1; b <= s; b++) {
            int i = index(b);
            if (seconds[i] == b && counts[i] != 0) {
                return Math.max(1, (b + SPAN) * 1000 - nowMs);
            }
        }
        return 0;
    }

    /** Drops the seconds that left the window; a clock that steps back is held at the last second seen. */
    private long advance(long sec) {
        if (sec <= last) {
            return last;
        }
        if (total == 0 || sec - last >= SPAN) {
            if (total != 0) {
                Arrays.fill(counts, 0);
                total = 0;
            }
        } else {
            for (long b = last - SPAN + 1; b <= sec - SPAN; b++) {
                int i = index(b);
                if (seconds[i] == b) {
                    total -= counts[i];
                    counts[i] = 0;
                }
            }
        }
        last = sec;
        return sec;
    }

    private static int index(long second) {
        return (int) Math.floorMod(second, (long) SPAN);
    }
}
