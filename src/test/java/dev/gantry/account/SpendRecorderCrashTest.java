package dev.gantry.account;

import static dev.gantry.account.SpendEvents.files;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of writing: nothing reported durable is lost, nothing is stored twice. */
@Timeout(120)
class SpendRecorderCrashTest {

    private static final int REPORTED_BEFORE_KILL = 20_000;

    @TempDir
    Path dataDir;

    @TempDir
    Path logs;

    @Test
    void everyEventAKilledProcessReportedDurableIsStoredExactlyOnceAfterRestart() throws Exception {
        Set<String> reported = ConcurrentHashMap.newKeySet();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SpoolCrashChild.class.getName(), dataDir.toString())
                .redirectError(logs.resolve("child.err").toFile())
                .start();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    reported.add(line);
                }
            } catch (IOException ignored) {
                // the pipe breaks when the child is killed
            }
        });
        try {
            Await.until(Duration.ofSeconds(90), REPORTED_BEFORE_KILL + " events reported durable by the child",
                    () -> reported.size() >= REPORTED_BEFORE_KILL || !child.isAlive());
            assertThat(child.isAlive()).as("the child is still recording (see %s)", logs.resolve("child.err")).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(10_000);
        // Whether or not the kill landed mid-line, make sure a torn tail is there to be tolerated.
        List<Path> segments = files(dataDir.resolve("spool"));
        assertThat(segments).isNotEmpty();
        LineBuffer half = new LineBuffer(256);
        SpendLine.encode(SpendEvents.event("never-reported"), half);
        Files.write(segments.getLast(), Arrays.copyOf(half.array(), half.size() / 2), StandardOpenOption.APPEND);

        FakeSpendStore store = new FakeSpendStore();
        try (SpendRecorder recorder = new SpendRecorder(dataDir, store)) {
            recorder.start();
            recorder.flush().get(60, TimeUnit.SECONDS);

            int stored = store.stored().size();
            assertThat(store.stored().keySet()).containsAll(reported);
            assertThat(store.stored().keySet()).as("a gapless prefix of what the child recorded, in order")
                    .containsExactlyElementsOf(IntStream.range(0, stored).mapToObj(i -> "crash-" + i).toList());
            assertThat(store.offeredMoreThanOnce()).as("each spooled once, replayed once").isEmpty();
            assertThat(recorder.stats().replayed()).isEqualTo(stored);
            assertThat(recorder.stats().tornTails()).isGreaterThanOrEqualTo(1);
            assertThat(recorder.stats().corruptLines()).isZero();
            assertThat(files(dataDir.resolve("spool"))).isEmpty();
            System.out.printf("crash test: child reported %d durable, %d were spooled, all stored once%n", reported.size(), stored);
        }
    }
}
