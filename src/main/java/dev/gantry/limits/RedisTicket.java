package dev.gantry.limits;

import java.util.List;

/**
 * What a request admitted by Redis holds there: the lease id naming its parallel slots and budget
 * reservations, the second its tokens were counted in, and the keys to correct or free later.
 */
final class RedisTicket implements Ticket {

    private final RedisLimiter limiter;
    final String lease;
    final long second;
    final long estTokens;
    final List<String> tokenWindows;
    final List<String> parallelKeys;
    /** Pairs: budget hash, lease zset. */
    final List<String> budgetKeys;
    final boolean reservesBudget;
    volatile boolean settled;
    volatile boolean released;

    RedisTicket(RedisLimiter limiter, String lease, long second, long estTokens, List<String> tokenWindows,
                List<String> parallelKeys, List<String> budgetKeys, boolean reservesBudget) {
        this.limiter = limiter;
        this.lease = lease;
        this.second = second;
        this.estTokens = estTokens;
        this.tokenWindows = tokenWindows;
        this.parallelKeys = parallelKeys;
        this.budgetKeys = budgetKeys;
        this.reservesBudget = reservesBudget;
    }

    /** True while something of it must be renewed (slots not released, reservations not settled). */
    boolean holdsLeases() {
        return (!released && !parallelKeys.isEmpty()) || (!settled && reservesBudget);
    }

    @Override
    public void settle(long actualTokens, long actualCostNanos) {
        settled = true;
        limiter.settle(this, actualTokens, actualCostNanos);
    }

    @Override
    public void release() {
        released = true;
        limiter.release(this);
    }
}
