package dev.gantry.account;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool thread: takes everything queued since its last round, appends the events as one group
 * and forces it once (group commit), completes their durability futures, hands them to the store
 * thread, and applies the store's confirmations (deleting finished segments).
 *
 * <p>When the spool cannot be written (disk full, I/O error) the events still go to the store, in
 * memory only; their futures fail, an error is logged once, and {@code spoolHealthy} turns false
 * until a write succeeds again.
 */
final class SpoolWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SpoolWorker.class);
    /** Bounds one group's buffer (about 2 MB of lines); a longer queue is simply several groups. */
    private static final int MAX_ROUND = 8192;

    private final LinkedTransferQueue<SpoolMessage> inbox;
    private final SpendSpool spool;
    private final SpendWriter writer;
    private final SpendCounters counters;
    private final long closeTimeoutNanos;
    private final List<SpoolMessage> round = new ArrayList<>();
    private final List<SpendEvent> group = new ArrayList<>();
    private volatile boolean stopped;
    private boolean closing;
    private boolean storeClosed;
    private long closeDeadline;

    SpoolWorker(LinkedTransferQueue<SpoolMessage> inbox, SpendSpool spool, SpendWriter writer, SpendCounters counters,
            long closeTimeoutNanos) {
        this.inbox = inbox;
        this.spool = spool;
        this.writer = writer;
        this.counters = counters;
        this.closeTimeoutNanos = closeTimeoutNanos;
    }

    /** True once the thread takes nothing more from the inbox (a message offered after this is never seen). */
    boolean stopped() {
        return stopped;
    }

    @Override
    public void run() {
        try {
            while (!storeClosed) {
                SpoolMessage first;
                if (closing) {
                    long left = closeDeadline - System.nanoTime();
                    if (left <= 0) {
                        log.warn("The spend store did not finish within the close timeout; unconfirmed events stay in the spool");
                        writer.abandon();
                        break;
                    }
                    first = inbox.poll(left, TimeUnit.NANOSECONDS);
                } else {
                    first = inbox.take();
                }
                if (first != null) {
                    round.add(first);
                    inbox.drainTo(round, MAX_ROUND - 1);
                    process();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped = true;
            // Whatever raced with close() is still written: it is replayed at the next start.
            while (inbox.drainTo(round, MAX_ROUND) > 0) {
                process();
            }
            spool.close();
        }
    }

    private void process() {
        group.clear();
        for (SpoolMessage m : round) {
            // Only events that cost money are spooled: a free request (a local model) has no spend
            // to lose, and skipping its write and fsync keeps free traffic cheap. Its event still
            // goes to the store for token and request counts (lost only if the process dies first).
            if (m instanceof SpoolMessage.Record r && r.event().costNanos() > 0) {
                group.add(r.event());
            }
        }
        SpoolSegment segment = null;
        IOException failure = null;
        if (!group.isEmpty()) {
            try {
                segment = spool.append(group);
                if (!counters.spoolHealthy) {
                    counters.spoolHealthy = true;
                    log.info("The spend spool in {} is writable again", spool.dir());
                }
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                spoolFailed(failure);
            }
        }
        long now = System.nanoTime();
        for (SpoolMessage m : round) {
            switch (m) {
                case SpoolMessage.Record r -> {
                    boolean spooled = r.event().costNanos() > 0;
                    writer.submit(new Spooled(r.event(), spooled ? segment : null, now));
                    if (failure == null || !spooled) {
                        r.durable().complete(null);
                    } else {
                        r.durable().completeExceptionally(failure);
                    }
                }
                case SpoolMessage.Flush f -> {
                    if (closing) {
                        f.done().completeExceptionally(new IllegalStateException("spend recorder is closed"));
                    } else {
                        writer.submit(f);
                    }
                }
                case SpoolMessage.Confirmed c -> {
                    for (SpoolMessage.Count count : c.counts()) {
                        spool.confirmed(count.segment(), count.events());
                    }
                }
                case SpoolMessage.FlushDone d -> d.done().complete(null);
                case SpoolMessage.Close close -> {
                    if (!closing) {
                        closing = true;
                        closeDeadline = System.nanoTime() + closeTimeoutNanos;
                        writer.submit(close);
                    }
                }
                case SpoolMessage.StoreClosed s -> storeClosed = true;
            }
        }
        round.clear();
    }

    private void spoolFailed(IOException e) {
        counters.unspooled.addAndGet(group.size());
        if (closing) {
            log.error("Cannot write the spend spool in {} ({}) while closing: {} spend events are lost", spool.dir(), e.toString(), group.size());
        } else if (counters.spoolHealthy) {
            counters.spoolHealthy = false;
            log.error("Cannot write the spend spool in {} ({}): spend events are kept in memory only until the store takes them,"
                    + " and are lost if the process dies before. Free the disk or fix the data directory.", spool.dir(), e.toString());
        }
    }
}
