package dev.gantry.account;

import java.util.concurrent.atomic.AtomicLong;

/** The recorder's live figures, written by its two threads and read by {@link SpendRecorder#stats()}. */
final class SpendCounters {

    final AtomicLong pending = new AtomicLong();
    final AtomicLong spooledBytes = new AtomicLong();
    final AtomicLong segments = new AtomicLong();
    final AtomicLong eventsSpooled = new AtomicLong();
    final AtomicLong fsyncs = new AtomicLong();
    final AtomicLong eventsStored = new AtomicLong();
    final AtomicLong storeFailures = new AtomicLong();
    final AtomicLong corruptLines = new AtomicLong();
    final AtomicLong tornTails = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong unspooled = new AtomicLong();
    volatile long lastFsyncMillis;
    volatile long lastStoreWriteMillis;
    volatile boolean storeHealthy = true;
    volatile boolean spoolHealthy = true;

    SpendStats snapshot() {
        return new SpendStats(pending.get(), spooledBytes.get(), (int) segments.get(), eventsSpooled.get(), fsyncs.get(),
                eventsStored.get(), storeFailures.get(), lastFsyncMillis, lastStoreWriteMillis, storeHealthy, spoolHealthy,
                corruptLines.get(), tornTails.get(), replayed.get(), unspooled.get());
    }
}
