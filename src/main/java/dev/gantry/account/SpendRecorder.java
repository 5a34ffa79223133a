package dev.gantry.account;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedTransferQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records spend without losing any: each event is appended to a local spool and forced to disk
 * before it is written to the {@link SpendStore} in batches, and deleted from the spool only once
 * the store confirmed it. Events left by a crash or an outage are replayed at {@link #start()}.
 *
 * <p>{@link #record} is safe on an event loop: it only puts the event on an unbounded lock-free
 * queue ({@link LinkedTransferQueue}, {@code offer} never blocks) and returns. Unbounded, because
 * the two other options are worse for this data: a bounded queue must either block the event loop
 * or drop spend. The queue stays short in practice: the spool thread drains it in groups, one
 * fsync each, far faster than requests can produce events (docs/spend.md has the figures). It
 * grows only if the disk stalls, which {@code spoolHealthy} and {@code pending} make visible.
 *
 * <p>Two platform threads (a handful of blocking file and JDBC calls; virtual threads would pin
 * their carrier in {@code force} anyway): the spool thread (append, fsync, delete) and the store
 * thread ({@link SpendWriter}), so a hung database never delays durability.
 */
public final class SpendRecorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpendRecorder.class);

    private final SpendCounters counters = new SpendCounters();
    private final LinkedTransferQueue<SpoolMessage> inbox = new LinkedTransferQueue<>();
    private final SpendSpool spool;
    private final SpendWriter writer;
    private final SpoolWorker worker;
    private final Thread spoolThread;
    private final Thread storeThread;
    private volatile boolean started;
    private boolean closed;

    public SpendRecorder(Path dataDir, SpendStore store) {
        this(dataDir, store, SpoolOptions.defaults());
    }

    /** @param dataDir the spool lives in {@code <dataDir>/spool/} */
    public SpendRecorder(Path dataDir, SpendStore store, SpoolOptions options) {
        spool = new SpendSpool(dataDir.resolve("spool"), options.segmentBytes(), counters);
        writer = new SpendWriter(store, options, counters, inbox::offer);
        storeThread = Thread.ofPlatform().name("gantry-spend-store").daemon().unstarted(writer);
        worker = new SpoolWorker(inbox, spool, writer, counters, options.closeTimeout().toNanos());
        spoolThread = Thread.ofPlatform().name("gantry-spend-spool").daemon().unstarted(worker);
    }

    /** Reads what earlier runs left in the spool (blocking), queues it for the store first, and starts the threads. */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("spend recorder already started");
        }
        List<Spooled> replayed = spool.open();
        if (!replayed.isEmpty()) {
            log.info("Replaying {} spend events left in {} by an earlier run", replayed.size(), spool.dir());
        }
        writer.preload(replayed);
        counters.pending.addAndGet(replayed.size());
        started = true;
        storeThread.start();
        spoolThread.start();
    }

    /**
     * Queues the event; never blocks.
     *
     * @return completes (on the spool thread: keep callbacks short) once the event is forced to
     *     the spool; fails if the spool could not write it, in which case it is still kept in
     *     memory and sent to the store
     */
    public CompletionStage<Void> record(SpendEvent event) {
        if (event.id() == null) {
            throw new IllegalArgumentException("a spend event needs an id");
        }
        if (!started) {
            throw new IllegalStateException("start() the spend recorder before recording");
        }
        CompletableFuture<Void> durable = new CompletableFuture<>();
        counters.pending.incrementAndGet();
        SpoolMessage.Record message = new SpoolMessage.Record(event, durable);
        inbox.offer(message);
        if (worker.stopped() && inbox.remove(message)) {
            counters.pending.decrementAndGet();
            log.error("Spend event {} ({} nano-dollars, key {}) arrived after the spend recorder closed and is not recorded",
                    event.id(), event.costNanos(), event.keyId());
            durable.completeExceptionally(new IllegalStateException("spend recorder is closed"));
        }
        return durable;
    }

    /** Completes once every event recorded before this call is confirmed by the store and its spool segment deleted. */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!started) {
            done.completeExceptionally(new IllegalStateException("spend recorder is not started"));
            return done;
        }
        SpoolMessage.Flush message = new SpoolMessage.Flush(done);
        inbox.offer(message);
        if (worker.stopped() && inbox.remove(message)) {
            done.completeExceptionally(new IllegalStateException("spend recorder is not running"));
        }
        return done;
    }

    /**
     * Writes everything queued to the spool, tries the store once more for what is unconfirmed
     * (waiting at most {@link SpoolOptions#closeTimeout()}), and closes the spool. Blocking.
     */
    @Override
    public synchronized void close() {
        if (closed || !started) {
            closed = true;
            return;
        }
        closed = true;
        inbox.offer(new SpoolMessage.Close());
        try {
            spoolThread.join();
            storeThread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events recorded (or replayed) and not yet confirmed by the store. */
    public long pending() {
        return counters.pending.get();
    }

    /** False from a failed store write until the next confirmed one. */
    public boolean storeHealthy() {
        return counters.storeHealthy;
    }

    /** False from a failed spool write (disk full, I/O error) until the next good one. */
    public boolean spoolHealthy() {
        return counters.spoolHealthy;
    }

    public SpendStats stats() {
        return counters.snapshot();
    }
}
