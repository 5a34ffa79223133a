package dev.gantry.account;

/**
 * An event waiting for the store, with the spool segment holding it ({@code null} when the spool
 * could not write it and it lives only in memory) and when it reached the store thread.
 */
record Spooled(SpendEvent event, SpoolSegment segment, long arrivedNanos) {
}
