package dev.gantry.account;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store thread: takes spooled events in order, writes them to the {@link SpendStore} in
 * batches (up to {@code batchSize}, or whatever waited {@code batchInterval}), and reports each
 * confirmed batch back to the spool thread so it can delete segments.
 *
 * <p>Its queue is the in-memory index of unconfirmed events: a running instance never reads the
 * spool files back, only a starting one does. On failure the batch stays at the head, the thread
 * waits (exponential backoff with jitter, capped) and tries again, forever. A flush request cuts
 * the wait short once. One warning per outage, one info line when the store is back.
 *
 * <p>It is a thread of its own, apart from the spool thread, so a store that hangs for its
 * connection timeout never delays the fsync that callers of {@code record} wait for.
 */
final class SpendWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SpendWriter.class);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SpendStore store;
    private final int batchSize;
    private final long intervalNanos;
    private final long maxBackoffNanos;
    private final SpendCounters counters;
    private final Consumer<SpoolMessage> toSpool;
    private final LinkedTransferQueue<Object> incoming = new LinkedTransferQueue<>();
    /** {@link Spooled} events and {@link SpoolMessage.Flush} markers, in the order they were recorded. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int events;
    private int flushes;
    private boolean kick;
    private boolean closing;
    private long backoffNanos;
    private long retryAt;
    private long outageStart;
    private long outageFailures;
    private volatile boolean abandoned;
    private volatile Thread runner;

    SpendWriter(SpendStore store, SpoolOptions options, SpendCounters counters, Consumer<SpoolMessage> toSpool) {
        this.store = store;
        this.batchSize = options.batchSize();
        this.intervalNanos = options.batchInterval().toNanos();
        this.maxBackoffNanos = Math.max(MIN_BACKOFF_NANOS, options.maxBackoff().toNanos());
        this.counters = counters;
        this.toSpool = toSpool;
    }

    /** Events read back from the spool at start: they go first. Call before the thread starts. */
    void preload(List<Spooled> replayed) {
        queue.addAll(replayed);
        events += replayed.size();
    }

    /** A {@link Spooled} event, a {@link SpoolMessage.Flush} or a {@link SpoolMessage.Close}, from the spool thread. */
    void submit(Object message) {
        incoming.offer(message);
    }

    /** close() stops waiting for this thread: it must stop too, even if the store swallowed the interrupt. */
    void abandon() {
        abandoned = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        try {
            while (!abandoned) {
                for (Object m; (m = incoming.poll()) != null; ) {
                    accept(m);
                }
                if (closing) {
                    finish();
                    break;
                }
                returnLeadingFlushes();
                long wait = waitNanos(System.nanoTime());
                if (wait <= 0) {
                    attempt();
                } else {
                    Object m = incoming.poll(wait, TimeUnit.NANOSECONDS);
                    if (m != null) {
                        accept(m);
                    }
                }
            }
        } catch (InterruptedException e) {
            // close() gave up waiting for the store: what is unconfirmed stays in the spool.
            Thread.currentThread().interrupt();
        } finally {
            toSpool.accept(new SpoolMessage.StoreClosed());
        }
    }

    private void accept(Object m) {
        if (m instanceof Spooled) {
            events++;
        } else if (m instanceof SpoolMessage.Flush) {
            flushes++;
            kick = true;
        } else if (m instanceof SpoolMessage.Close) {
            closing = true;
            return;
        }
        queue.addLast(m);
    }

    private long waitNanos(long now) {
        if (events == 0) {
            return Long.MAX_VALUE;
        }
        if (!counters.storeHealthy && !kick && now < retryAt) {
            return retryAt - now;
        }
        if (events >= batchSize || flushes > 0) {
            return 0;
        }
        return ((Spooled) queue.peekFirst()).arrivedNanos() + intervalNanos - now;
    }

    private void attempt() {
        kick = false;
        List<Spooled> batch = head();
        try {
            store.insertBatch(events(batch));
        } catch (Exception e) {
            failed(e);
            return;
        }
        confirmed(batch);
        if (!counters.storeHealthy) {
            counters.storeHealthy = true;
            backoffNanos = 0;
            log.info("Spend store is back after {} ms and {} failed attempts; replaying the {} spend events that waited",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart), outageFailures, events + batch.size());
        }
        returnLeadingFlushes();
    }

    private void failed(Exception e) {
        counters.storeFailures.incrementAndGet();
        long now = System.nanoTime();
        if (counters.storeHealthy) {
            counters.storeHealthy = false;
            outageStart = now;
            outageFailures = 0;
            backoffNanos = MIN_BACKOFF_NANOS;
            log.warn("Spend store is unavailable ({}); {} spend events wait in the spool, retrying with a backoff of up to {} ms",
                    e.toString(), events, TimeUnit.NANOSECONDS.toMillis(maxBackoffNanos));
        } else {
            backoffNanos = Math.min(backoffNanos * 2, maxBackoffNanos);
            log.debug("Spend store still unavailable: {}", e.toString());
        }
        outageFailures++;
        // ±20 % so that many instances coming back do not hit the database in step.
        long jitter = (long) (backoffNanos * (ThreadLocalRandom.current().nextDouble(0.4) - 0.2));
        retryAt = now + backoffNanos + jitter;
    }

    /** Up to batchSize events from the head, stopping at a flush marker (leading markers were returned). */
    private List<Spooled> head() {
        List<Spooled> batch = new ArrayList<>(Math.min(events, batchSize));
        for (Iterator<Object> it = queue.iterator(); it.hasNext() && batch.size() < batchSize; ) {
            if (!(it.next() instanceof Spooled s)) {
                break;
            }
            batch.add(s);
        }
        return batch;
    }

    private static List<SpendEvent> events(List<Spooled> batch) {
        List<SpendEvent> out = new ArrayList<>(batch.size());
        for (Spooled s : batch) {
            out.add(s.event());
        }
        return out;
    }

    private void confirmed(List<Spooled> batch) {
        List<SpoolMessage.Count> counts = new ArrayList<>();
        SpoolSegment current = null;
        int run = 0;
        for (int i = 0; i < batch.size(); i++) {
            queue.removeFirst();
            SpoolSegment segment = batch.get(i).segment();
            if (segment != current) {
                if (current != null) {
                    counts.add(new SpoolMessage.Count(current, run));
                }
                current = segment;
                run = 0;
            }
            run++;
        }
        if (current != null) {
            counts.add(new SpoolMessage.Count(current, run));
        }
        events -= batch.size();
        counters.pending.addAndGet(-batch.size());
        counters.eventsStored.addAndGet(batch.size());
        counters.lastStoreWriteMillis = System.currentTimeMillis();
        toSpool.accept(new SpoolMessage.Confirmed(counts));
    }

    private void returnLeadingFlushes() {
        while (queue.peekFirst() instanceof SpoolMessage.Flush f) {
            queue.removeFirst();
            flushes--;
            toSpool.accept(new SpoolMessage.FlushDone(f.done()));
        }
    }

    /** On close: one more try for everything, no backoff; what fails stays in the spool. */
    private void finish() {
        returnLeadingFlushes();
        while (events > 0 && !abandoned) {
            List<Spooled> batch = head();
            try {
                store.insertBatch(events(batch));
            } catch (Exception e) {
                counters.storeFailures.incrementAndGet();
                log.warn("Spend store unavailable at shutdown ({}); {} spend events stay in the spool for the next start",
                        e.toString(), events);
                break;
            }
            confirmed(batch);
            returnLeadingFlushes();
        }
        long memoryOnly = 0;
        for (Object m : queue) {
            if (m instanceof Spooled s && s.segment() == null) {
                memoryOnly++;
            } else if (m instanceof SpoolMessage.Flush f) {
                f.done().completeExceptionally(new IllegalStateException(
                        "spend recorder closed before the store confirmed every event; they stay in the spool"));
            }
        }
        if (memoryOnly > 0) {
            log.error("{} spend events could be written neither to the spool nor to the store and are lost", memoryOnly);
        }
    }
}
