package dev.gantry.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test events and a look at the spool directory. */
final class SpendEvents {

    private SpendEvents() {
    }

    static SpendEvent event(String id) {
        return event(id, "llama3");
    }

    static SpendEvent event(String id, String model) {
        long n = Math.abs((long) id.hashCode());
        return new SpendEvent(id, 1_750_000_000_000L + n, "req-" + id, "key-1", "team-a", null, model, "ollama@gpu-1",
                n % 4000, n % 900, n % 2 == 0, n * 1_337L);
    }

    /** The spool's segment files (any suffix), sorted by name. */
    static List<Path> files(Path spoolDir) {
        if (!Files.isDirectory(spoolDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(spoolDir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
