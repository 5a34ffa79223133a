package dev.gantry.account;

import static dev.gantry.account.SpendEvents.event;
import static dev.gantry.account.SpendEvents.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SpendRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final FakeSpendStore store = new FakeSpendStore();
    private final List<SpendRecorder> recorders = new ArrayList<>();

    private SpendRecorder start(SpoolOptions options) throws Exception {
        SpendRecorder recorder = new SpendRecorder(dataDir, store, options);
        recorders.add(recorder);
        recorder.start();
        return recorder;
    }

    private static SpoolOptions fast() {
        return SpoolOptions.defaults().withMaxBackoff(Duration.ofMillis(20)).withBatchInterval(Duration.ofMillis(20));
    }

    private Path spoolDir() {
        return dataDir.resolve("spool");
    }

    @AfterEach
    void closeAll() {
        recorders.forEach(SpendRecorder::close);
    }

    private static List<CompletableFuture<Void>> recordAll(SpendRecorder recorder, List<String> ids) {
        return ids.stream().map(id -> recorder.record(event(id)).toCompletableFuture()).toList();
    }

    private static void awaitDurable(List<CompletableFuture<Void>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    }

    private static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void anEventIsOnDiskBeforeTheStoreSeesIt() throws Exception {
        store.down();
        SpendRecorder recorder = start(fast());

        recorder.record(event("e1")).toCompletableFuture().get(20, TimeUnit.SECONDS);

        List<Path> segments = files(spoolDir());
        assertThat(segments).hasSize(1);
        byte[] bytes = Files.readAllBytes(segments.get(0));
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
        assertThat(SpendLine.decode(bytes, 0, bytes.length - 1)).isEqualTo(event("e1"));
        assertThat(store.stored()).isEmpty();
        assertThat(recorder.pending()).isEqualTo(1);
    }

    @Test
    void eventsReachTheStoreInBatchesNoLargerThanTheLimitAndTheSpoolEmpties() throws Exception {
        SpendRecorder recorder = start(fast().withBatchSize(100));
        List<String> ids = ids("b", 1_000);

        awaitDurable(recordAll(recorder, ids));
        recorder.flush().get(20, TimeUnit.SECONDS);

        assertThat(store.stored().keySet()).containsExactlyElementsOf(ids);
        assertThat(store.batchSizes()).allSatisfy(size -> assertThat(size).isBetween(1, 100));
        assertThat(store.offeredMoreThanOnce()).isEmpty();
        assertThat(files(spoolDir())).isEmpty();
        SpendStats stats = recorder.stats();
        assertThat(stats.pending()).isZero();
        assertThat(stats.eventsStored()).isEqualTo(1_000);
        assertThat(stats.eventsSpooled()).isEqualTo(1_000);
        assertThat(stats.spooledBytes()).isZero();
        assertThat(stats.lastStoreWriteMillis()).isPositive();
        assertThat(stats.lastFsyncMillis()).isPositive();
    }

    @Test
    void aTrickleWaitsForTheBatchIntervalNotForAFullBatch() throws Exception {
        SpendRecorder recorder = start(SpoolOptions.defaults().withBatchInterval(Duration.ofMillis(50)));

        recorder.record(event("lonely"));

        Await.until(WAIT, "the single event is stored", () -> store.stored().containsKey("lonely"));
        Await.until(WAIT, "its segment is deleted", () -> files(spoolDir()).isEmpty());
    }

    @Test
    void tenThousandEventsRecordedDuringAnOutageAreStoredExactlyOnceWhenItEnds() throws Exception {
        store.down();
        SpendRecorder recorder = start(fast().withSegmentBytes(256 * 1024));
        List<String> ids = ids("outage-", 10_000);

        awaitDurable(recordAll(recorder, ids));
        Await.until(WAIT, "the store failed a few times", () -> store.failures() >= 3);

        assertThat(recorder.storeHealthy()).isFalse();
        assertThat(recorder.pending()).isEqualTo(10_000);
        assertThat(store.stored()).isEmpty();
        assertThat(files(spoolDir())).as("rotated: one group holds at most 8192 events").hasSizeGreaterThanOrEqualTo(2);
        assertThat(recorder.stats().fsyncs()).isBetween(1L, 10_000L);

        store.up();
        recorder.flush().get(20, TimeUnit.SECONDS);

        assertThat(store.stored().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(store.offeredMoreThanOnce()).isEmpty();
        assertThat(store.conflicts()).isZero();
        assertThat(files(spoolDir())).isEmpty();
        assertThat(recorder.pending()).isZero();
        assertThat(recorder.storeHealthy()).isTrue();
    }

    @Test
    void anOutageIsWarnedOnceAndItsEndReportedWithTheReplayedCount() throws Exception {
        try (LogCapture log = new LogCapture(SpendWriter.class)) {
            store.down();
            SpendRecorder recorder = start(fast());
            awaitDurable(recordAll(recorder, ids("w", 20)));
            Await.until(WAIT, "several retries failed", () -> store.failures() >= 5);

            store.up();
            recorder.flush().get(20, TimeUnit.SECONDS);

            assertThat(log.at(Level.WARN)).singleElement().asString().contains("unavailable");
            assertThat(log.at(Level.INFO)).singleElement().asString().contains("replaying the 20 spend events");

            store.down();
            recorder.record(event("second-outage"));
            Await.until(WAIT, "the second outage was noticed", () -> !recorder.storeHealthy());
            store.up();
            recorder.flush().get(20, TimeUnit.SECONDS);

            assertThat(log.at(Level.WARN)).hasSize(2);
            assertThat(log.at(Level.INFO)).hasSize(2);
        }
    }

    @Test
    void flushWaitsWhileTheStoreIsDownAndCutsTheBackoffShortOnceItIsUp() throws Exception {
        store.down();
        SpendRecorder recorder = start(SpoolOptions.defaults().withMaxBackoff(Duration.ofMinutes(10)));
        recorder.record(event("f1"));
        Await.until(WAIT, "the first attempt failed", () -> store.failures() >= 1);

        CompletableFuture<Void> flush = recorder.flush();
        Await.until(WAIT, "the flush tried the store at once", () -> store.failures() >= 2);
        assertThat(flush).isNotDone();

        store.up();
        recorder.flush().get(20, TimeUnit.SECONDS);
        assertThat(flush).isDone();
        assertThat(store.stored()).containsOnlyKeys("f1");
    }

    @Test
    void aBatchCommittedButNotAcknowledgedIsWrittenAgainAndStoredOnce() throws Exception {
        store.commitThenFail();
        SpendRecorder recorder = start(fast());
        awaitDurable(recordAll(recorder, ids("ack", 50)));
        Await.until(WAIT, "the unacknowledged commit was retried", () -> store.failures() >= 2);

        store.up();
        recorder.flush().get(20, TimeUnit.SECONDS);

        assertThat(store.stored()).hasSize(50);
        assertThat(store.timesOffered("ack0")).isGreaterThanOrEqualTo(2);
        assertThat(store.conflicts()).isZero();
        assertThat(files(spoolDir())).isEmpty();
    }

    @Test
    void closeWithTheStoreDownLeavesEverythingInTheSpoolAndTheNextStartReplaysItOnce() throws Exception {
        store.down();
        SpendRecorder first = start(fast().withCloseTimeout(Duration.ofSeconds(5)));
        List<String> ids = ids("restart-", 500);
        recordAll(first, ids);
        first.close();

        assertThat(files(spoolDir())).isNotEmpty();
        assertThat(store.stored()).isEmpty();

        store.up();
        SpendRecorder second = start(fast());
        assertThat(second.stats().replayed()).isEqualTo(500);
        second.flush().get(20, TimeUnit.SECONDS);

        assertThat(store.stored().keySet()).containsExactlyElementsOf(ids);
        assertThat(store.offeredMoreThanOnce()).isEmpty();
        assertThat(files(spoolDir())).isEmpty();
    }

    @Test
    void closeMakesOneLastAttemptWithoutWaitingForTheBatchInterval() throws Exception {
        SpendRecorder recorder = start(SpoolOptions.defaults().withBatchInterval(Duration.ofMinutes(10)));
        List<String> ids = ids("last-", 10);
        awaitDurable(recordAll(recorder, ids));
        assertThat(store.stored()).isEmpty();

        recorder.close();

        assertThat(store.stored().keySet()).containsExactlyElementsOf(ids);
        assertThat(files(spoolDir())).isEmpty();
    }

    @Test
    void closeGivesUpOnAHungStoreAfterItsTimeoutAndKeepsTheEventsForTheNextStart() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        SpendStore hung = events -> {
            calls.incrementAndGet();
            release.await(); // a database that does not answer (this one at least wakes on an interrupt)
        };
        SpendRecorder first = new SpendRecorder(dataDir, hung, fast().withCloseTimeout(Duration.ofMillis(300)));
        first.start();
        awaitDurable(recordAll(first, ids("hung-", 5)));
        Await.until(WAIT, "the store is called", () -> calls.get() == 1);

        long t0 = System.nanoTime();
        first.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(files(spoolDir())).isNotEmpty();
        release.countDown();

        SpendRecorder second = start(fast());
        second.flush().get(20, TimeUnit.SECONDS);
        assertThat(store.stored().keySet()).containsExactlyElementsOf(ids("hung-", 5));
        assertThat(files(spoolDir())).isEmpty();
    }

    @Test
    void recordingAfterCloseFailsLoudly() throws Exception {
        SpendRecorder recorder = start(fast());
        recorder.close();

        try (LogCapture log = new LogCapture(SpendRecorder.class)) {
            CompletableFuture<Void> late = recorder.record(event("late")).toCompletableFuture();
            assertThat(late).isCompletedExceptionally();
            assertThat(log.at(Level.ERROR)).singleElement().asString().contains("late", "not recorded");
        }
        assertThat(recorder.flush()).isCompletedExceptionally();
        assertThatThrownBy(() -> new SpendRecorder(dataDir, store).record(event("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenTheSpoolCannotBeWrittenEventsStillReachTheStoreAndTheFailureIsVisible() throws Exception {
        SpendRecorder recorder = start(fast());
        Files.delete(spoolDir());
        Files.writeString(spoolDir(), "not a directory");

        try (LogCapture log = new LogCapture(SpoolWorker.class)) {
            CompletableFuture<Void> durable = recorder.record(event("memory-only")).toCompletableFuture();
            assertThatThrownBy(() -> durable.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            recorder.record(event("memory-only-2"));
            Await.until(WAIT, "both reached the store", () -> store.stored().size() == 2);
            assertThat(recorder.spoolHealthy()).isFalse();
            assertThat(recorder.stats().unspooled()).isEqualTo(2);
            assertThat(log.at(Level.ERROR)).singleElement().asString().contains("Cannot write the spend spool");

            Files.delete(spoolDir());
            Files.createDirectory(spoolDir());
            recorder.record(event("spooled-again")).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(recorder.spoolHealthy()).isTrue();
            assertThat(log.at(Level.INFO)).singleElement().asString().contains("writable again");
        }
        recorder.flush().get(20, TimeUnit.SECONDS);
        assertThat(store.stored()).containsOnlyKeys("memory-only", "memory-only-2", "spooled-again");
    }

    @Test
    void eventsQueuedWhileTheSpoolThreadWasBusyShareOneFsync() throws Exception {
        // Built by hand so the queue is full before the spool thread takes its first look.
        SpendCounters counters = new SpendCounters();
        LinkedTransferQueue<SpoolMessage> inbox = new LinkedTransferQueue<>();
        SpendSpool spool = new SpendSpool(spoolDir(), 1 << 20, counters);
        spool.open();
        SpendWriter writer = new SpendWriter(store.down(), fast(), counters, inbox::offer);
        Thread.ofPlatform().daemon().start(writer);
        SpoolWorker worker = new SpoolWorker(inbox, spool, writer, counters, TimeUnit.SECONDS.toNanos(1));
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (String id : ids("g", 1_000)) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            durable.add(f);
            inbox.offer(new SpoolMessage.Record(event(id), f));
        }
        inbox.offer(new SpoolMessage.Close());

        Thread spoolThread = Thread.ofPlatform().daemon().start(worker);
        awaitDurable(durable);
        spoolThread.join(20_000);

        assertThat(counters.eventsSpooled.get()).isEqualTo(1_000);
        assertThat(counters.fsyncs.get()).isEqualTo(1);
    }
}
