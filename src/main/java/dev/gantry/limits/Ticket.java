package dev.gantry.limits;

/** What an admitted request holds in one limiter: its reservations and parallel slots. */
interface Ticket {

    /** Replaces the estimates reserved at admission with the real usage. Called at most once. */
    void settle(long actualTokens, long actualCostNanos);

    /** Gives the parallel slots back. Called at most once, after {@link #settle}. */
    void release();
}
