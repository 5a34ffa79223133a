package dev.gantry.account;

/**
 * A snapshot of the spend recorder, for metrics and health checks.
 *
 * @param pending events recorded (or replayed) and not yet confirmed by the store
 * @param spooledBytes bytes in spool segments still on disk
 * @param segments spool segments still on disk
 * @param eventsSpooled events appended and forced to the spool since start
 * @param fsyncs {@code force} calls since start (one per group of events, not one per event)
 * @param eventsStored events the store confirmed since start (replays included)
 * @param storeFailures failed {@code insertBatch} attempts since start
 * @param lastFsyncMillis wall-clock time of the last spool fsync, 0 if none
 * @param lastStoreWriteMillis wall-clock time of the last confirmed batch, 0 if none
 * @param storeHealthy false from a failed batch until the next confirmed one
 * @param spoolHealthy false from a failed spool write until the next good one
 * @param corruptLines spool lines skipped at start because their checksum failed
 * @param tornTails spool segments whose last line was cut short (a crash mid-write)
 * @param replayed events read back from the spool at start
 * @param unspooled events the spool could not write (disk full, I/O error): kept in memory only
 */
public record SpendStats(
        long pending,
        long spooledBytes,
        int segments,
        long eventsSpooled,
        long fsyncs,
        long eventsStored,
        long storeFailures,
        long lastFsyncMillis,
        long lastStoreWriteMillis,
        boolean storeHealthy,
        boolean spoolHealthy,
        long corruptLines,
        long tornTails,
        long replayed,
        long unspooled) {
}
