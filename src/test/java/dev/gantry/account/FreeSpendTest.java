package dev.gantry.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A free request's event skips the spool (there is no money to lose) but still reaches the store. */
class FreeSpendTest {

    @TempDir
    Path dataDir;

    @Test
    void onlyEventsThatCostMoneyAreSpooledButAllAreStored() throws Exception {
        FakeSpendStore store = new FakeSpendStore().down();
        SpendEvent paid = SpendEvents.event("paid-1");
        SpendEvent free = new SpendEvent("free-1", 1L, "req-free", "key-1", null, null, "llama3", "ollama@gpu-1", 12, 7, false, 0);
        try (SpendRecorder recorder = new SpendRecorder(dataDir, store)) {
            recorder.start();
            recorder.record(paid).toCompletableFuture().get(5, TimeUnit.SECONDS);
            recorder.record(free).toCompletableFuture().get(5, TimeUnit.SECONDS);

            StringBuilder spooled = new StringBuilder();
            for (Path f : SpendEvents.files(dataDir.resolve("spool"))) {
                spooled.append(Files.readString(f));
            }
            assertThat(spooled.toString()).contains("paid-1").doesNotContain("free-1");

            store.up();
            recorder.flush().get(10, TimeUnit.SECONDS);
            assertThat(store.stored()).containsKeys("paid-1", "free-1");
        }
    }
}
