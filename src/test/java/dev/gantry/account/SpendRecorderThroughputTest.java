package dev.gantry.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records 100,000 events and prints how fast (events/s, fsyncs/s). The figures are reported, not
 * asserted: they depend on the disk. What is asserted is that all of them arrive, once each.
 */
@Timeout(120)
class SpendRecorderThroughputTest {

    private static final int EVENTS = 100_000;

    @TempDir
    Path dataDir;

    @Test
    void aHundredThousandEventsAreSpooledInGroupsAndStoredOnceEach() throws Exception {
        FakeSpendStore store = new FakeSpendStore();
        List<SpendEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            events.add(SpendEvents.event("tp-" + i));
        }
        try (SpendRecorder recorder = new SpendRecorder(dataDir, store)) {
            recorder.start();
            List<CompletableFuture<Void>> durable = new ArrayList<>(EVENTS);

            long t0 = System.nanoTime();
            for (SpendEvent e : events) {
                durable.add(recorder.record(e).toCompletableFuture());
            }
            long queued = System.nanoTime();
            CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long spooled = System.nanoTime();
            recorder.flush().get(60, TimeUnit.SECONDS);
            long stored = System.nanoTime();

            SpendStats stats = recorder.stats();
            assertThat(store.stored()).hasSize(EVENTS);
            assertThat(store.offeredMoreThanOnce()).isEmpty();
            assertThat(stats.eventsSpooled()).isEqualTo(EVENTS);
            assertThat(stats.pending()).isZero();

            double toDisk = (spooled - t0) / 1e9;
            System.out.printf("spend throughput: %,d events; record() %.0f ns each on the caller; all durable after %.0f ms"
                    + " (%,.0f events/s, %d fsyncs = %,.0f fsyncs/s, %.0f events per fsync); all stored after %.0f ms in %d batches%n",
                    EVENTS, (queued - t0) / (double) EVENTS, toDisk * 1e3, EVENTS / toDisk, stats.fsyncs(), stats.fsyncs() / toDisk,
                    EVENTS / (double) stats.fsyncs(), (stored - t0) / 1e6, store.batchSizes().size());

            // One at a time, each waiting for its own fsync: the disk's sync latency, the floor of a lone event's wait.
            int alone = 300;
            long fsyncsBefore = stats.fsyncs();
            long t1 = System.nanoTime();
            for (int i = 0; i < alone; i++) {
                recorder.record(SpendEvents.event("alone-" + i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - t1) / 1e9;
            long syncs = recorder.stats().fsyncs() - fsyncsBefore;
            assertThat(syncs).isEqualTo(alone);
            System.out.printf("spend throughput: %d events one at a time: %,.0f fsyncs/s, %.2f ms per durable event%n",
                    alone, syncs / seconds, seconds * 1e3 / alone);
        }
    }
}
