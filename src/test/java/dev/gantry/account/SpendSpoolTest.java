package dev.gantry.account;

import static dev.gantry.account.SpendEvents.event;
import static dev.gantry.account.SpendEvents.files;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendSpoolTest {

    @TempDir
    Path dir;

    private final SpendCounters counters = new SpendCounters();

    private SpendSpool spool(long segmentBytes) throws Exception {
        SpendSpool spool = new SpendSpool(dir, segmentBytes, counters);
        assertThat(spool.open()).isEmpty();
        return spool;
    }

    private List<SpendEvent> reopen() throws Exception {
        return new SpendSpool(dir, 1 << 20, counters).open().stream().map(Spooled::event).toList();
    }

    @Test
    void aGroupIsOneWriteAndOneFsyncAndIsReadBackByTheNextStartInOrder() throws Exception {
        SpendSpool spool = spool(1 << 20);
        List<SpendEvent> first = List.of(event("a"), event("b"), event("c"));
        List<SpendEvent> second = List.of(event("d"), event("e"));

        SpoolSegment segment = spool.append(first);
        spool.append(second);
        spool.close();

        assertThat(counters.fsyncs.get()).isEqualTo(2);
        assertThat(counters.eventsSpooled.get()).isEqualTo(5);
        assertThat(segment.written).isEqualTo(5);
        assertThat(files(dir)).containsExactly(segment.path);
        assertThat(counters.spooledBytes.get()).isEqualTo(Files.size(segment.path));
        assertThat(reopen()).containsExactly(event("a"), event("b"), event("c"), event("d"), event("e"));
    }

    @Test
    void aTornLastLineIsIgnoredAndNotCountedAsCorrupt() throws Exception {
        SpendSpool spool = spool(1 << 20);
        Path file = spool.append(List.of(event("a"), event("b"))).path;
        spool.close();
        LineBuffer torn = new LineBuffer(256);
        SpendLine.encode(event("c"), torn);
        Files.write(file, Arrays.copyOf(torn.array(), torn.size() / 2), StandardOpenOption.APPEND);

        assertThat(reopen()).containsExactly(event("a"), event("b"));
        assertThat(counters.tornTails.get()).isEqualTo(1);
        assertThat(counters.corruptLines.get()).isZero();
    }

    @Test
    void aLineWithABadChecksumIsSkippedWithAWarningCountedAndItsFileKept() throws Exception {
        SpendSpool spool = spool(1 << 20);
        Path file = spool.append(List.of(event("a"), event("b"), event("c"))).path;
        spool.close();
        byte[] bytes = Files.readAllBytes(file);
        int secondLine = new String(bytes, StandardCharsets.US_ASCII).indexOf('\n') + 1;
        bytes[secondLine + 30] ^= 0x04;
        Files.write(file, bytes);

        List<Spooled> replayed;
        try (LogCapture log = new LogCapture(SpendSpool.class)) {
            SpendSpool again = new SpendSpool(dir, 1 << 20, counters);
            replayed = again.open();
            assertThat(log.at(Level.WARN)).singleElement().asString().contains(file.getFileName().toString(), "line 2");
            assertThat(replayed).extracting(Spooled::event).containsExactly(event("a"), event("c"));
            assertThat(counters.corruptLines.get()).isEqualTo(1);

            again.confirmed(replayed.get(0).segment(), 2);
        }

        assertThat(files(dir)).containsExactly(dir.resolve(file.getFileName().toString().replace(".log", ".corrupt")));
        assertThat(reopen()).as("a set-aside file is not replayed").isEmpty();
    }

    @Test
    void segmentsRotateBySizeAndAreDeletedOnlyWhenEveryEventInThemIsConfirmed() throws Exception {
        SpendSpool spool = spool(1);
        SpoolSegment a = spool.append(List.of(event("a1"), event("a2")));
        SpoolSegment b = spool.append(List.of(event("b1"), event("b2")));
        assertThat(b).isNotSameAs(a);
        assertThat(files(dir)).containsExactly(a.path, b.path);
        assertThat(counters.segments.get()).isEqualTo(2);

        spool.confirmed(a, 1);
        assertThat(files(dir)).as("one event of a is unconfirmed").containsExactly(a.path, b.path);
        spool.confirmed(a, 1);
        assertThat(files(dir)).containsExactly(b.path);
        spool.confirmed(b, 2);

        assertThat(files(dir)).as("the active segment goes too once all of it is confirmed").isEmpty();
        assertThat(counters.segments.get()).isZero();
        assertThat(counters.spooledBytes.get()).isZero();
        SpoolSegment c = spool.append(List.of(event("c")));
        assertThat(c.seq).isGreaterThan(b.seq);
        assertThat(files(dir)).containsExactly(c.path);
    }

    @Test
    void aNewRunNeverAppendsToASegmentLeftByTheLastOne() throws Exception {
        SpendSpool first = spool(1 << 20);
        SpoolSegment old = first.append(List.of(event("old")));
        first.close();
        long oldSize = Files.size(old.path);

        SpendSpool second = new SpendSpool(dir, 1 << 20, counters);
        List<Spooled> replayed = second.open();
        SpoolSegment fresh = second.append(List.of(event("new")));

        assertThat(fresh.seq).isGreaterThan(old.seq);
        assertThat(Files.size(old.path)).isEqualTo(oldSize);
        second.confirmed(replayed.get(0).segment(), 1);
        assertThat(files(dir)).containsExactly(fresh.path);
    }

    @Test
    void aSegmentWithNothingValidInItIsRemovedAtStartAndItsNumberNotReused() throws Exception {
        Files.createDirectories(dir);
        Path empty = dir.resolve("spend-0000000000000000041.log");
        Files.write(empty, "0000".getBytes(StandardCharsets.US_ASCII));

        SpendSpool spool = new SpendSpool(dir, 1 << 20, counters);
        assertThat(spool.open()).isEmpty();
        assertThat(files(dir)).isEmpty();
        assertThat(counters.tornTails.get()).isEqualTo(1);
        assertThat(spool.append(List.of(event("x"))).seq).isEqualTo(42);
    }
}
