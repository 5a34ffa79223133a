package dev.gantry.account;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Run in its own JVM by {@link SpendRecorderCrashTest}, which kills it with SIGKILL: records
 * {@code crash-0, crash-1, ...} without end against a store that is down, and prints each id on
 * stdout only after its durability future completed. Lines may be lost with the process (they
 * are buffered), never printed early.
 */
public final class SpoolCrashChild {

    private SpoolCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        SpendStore down = events -> {
            throw new SQLTransientConnectionException("the crash test's store is down");
        };
        SpendRecorder recorder = new SpendRecorder(Path.of(args[0]), down,
                SpoolOptions.defaults().withSegmentBytes(64 * 1024).withMaxBackoff(Duration.ofMillis(100)));
        recorder.start();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 14), false,
                StandardCharsets.US_ASCII);
        // Bounded in flight, so the child measures the spool rather than its own heap.
        Semaphore window = new Semaphore(4_096);
        for (long i = 0; ; i++) {
            window.acquire();
            String id = "crash-" + i;
            recorder.record(SpendEvents.event(id)).whenComplete((ok, failed) -> {
                if (failed == null) {
                    out.println(id);
                }
                window.release();
            });
        }
    }
}
