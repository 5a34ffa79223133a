package dev.gantry.account;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only spool under {@code <dataDir>/spool/}: segment files {@code spend-<seq>.log}, one
 * {@link SpendLine} per event.
 *
 * <p>A group of events is encoded into one buffer, written, and forced once ({@code fdatasync}):
 * group commit, so the cost of a sync is shared by every event that arrived while the previous
 * one ran. A segment is rotated when it reaches its size limit and deleted as soon as the store
 * confirmed every event in it; the active segment too, so an empty directory means nothing is
 * waiting. Segments found at start are only read, never appended to: their last line may be torn,
 * and a new line written after it would be glued to it and lost.
 *
 * <p>Used by the spool thread only.
 */
final class SpendSpool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpendSpool.class);
    private static final Pattern NAME = Pattern.compile("spend-(\\d+)\\.(log|corrupt)");

    private final Path dir;
    private final long segmentBytes;
    private final SpendCounters counters;
    private final LineBuffer buffer = new LineBuffer(64 * 1024);
    private SpoolSegment active;
    private long nextSeq = 1;

    SpendSpool(Path dir, long segmentBytes, SpendCounters counters) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.counters = counters;
    }

    Path dir() {
        return dir;
    }

    /** Creates the directory and reads back every event earlier runs left unconfirmed, oldest first. */
    List<Spooled> open() throws IOException {
        Files.createDirectories(dir);
        TreeMap<Long, Path> logs = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    long seq = Long.parseLong(m.group(1));
                    nextSeq = Math.max(nextSeq, seq + 1);
                    if (m.group(2).equals("log")) {
                        logs.put(seq, file);
                    }
                }
            }
        }
        List<Spooled> events = new ArrayList<>();
        long now = System.nanoTime();
        for (var entry : logs.entrySet()) {
            SpoolSegment segment = new SpoolSegment(entry.getKey(), entry.getValue());
            byte[] bytes = Files.readAllBytes(segment.path);
            segment.bytes = bytes.length;
            counters.segments.incrementAndGet();
            counters.spooledBytes.addAndGet(bytes.length);
            int found = read(segment, bytes, events, now);
            segment.written = found;
            if (found == 0) {
                retire(segment);
            }
        }
        counters.replayed.addAndGet(events.size());
        return events;
    }

    private int read(SpoolSegment segment, byte[] bytes, List<Spooled> into, long now) {
        int found = 0;
        int start = 0;
        int lineNo = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lineNo++;
            SpendEvent event = SpendLine.decode(bytes, start, i - start);
            if (event != null) {
                into.add(new Spooled(event, segment, now));
                found++;
            } else {
                segment.corrupt = true;
                counters.corruptLines.incrementAndGet();
                log.warn("Spend spool {} line {}: checksum or format is wrong; the line is skipped and the file kept as .corrupt",
                        segment, lineNo);
            }
            start = i + 1;
        }
        if (start < bytes.length) {
            // Written by a run that died mid-write: that event was never reported durable.
            counters.tornTails.incrementAndGet();
            log.info("Spend spool {}: ignoring an incomplete last line ({} bytes) left by a crash", segment, bytes.length - start);
        }
        return found;
    }

    /**
     * Appends the events as one group and forces it to disk.
     *
     * @return the segment now holding them
     * @throws IOException when they could not be made durable; the segment is then sealed (cut
     *     back to its last good line where possible) so no later line follows a broken one
     */
    SpoolSegment append(List<SpendEvent> events) throws IOException {
        buffer.reset();
        for (SpendEvent e : events) {
            SpendLine.encode(e, buffer);
        }
        if (active != null && active.bytes >= segmentBytes) {
            seal(active);
        }
        if (active == null) {
            active = create();
        }
        SpoolSegment segment = active;
        long position = segment.bytes;
        try {
            ByteBuffer data = ByteBuffer.wrap(buffer.array(), 0, buffer.size());
            while (data.hasRemaining()) {
                segment.channel.write(data, position + data.position());
            }
            segment.channel.force(false);
        } catch (IOException e) {
            try {
                segment.channel.truncate(position);
            } catch (IOException ignored) {
                // sealed below either way; a partial last line is ignored at replay
            }
            seal(segment);
            if (segment.fullyConfirmed()) {
                retire(segment);
            }
            throw e;
        }
        segment.bytes += buffer.size();
        segment.written += events.size();
        counters.spooledBytes.addAndGet(buffer.size());
        counters.eventsSpooled.addAndGet(events.size());
        counters.fsyncs.incrementAndGet();
        counters.lastFsyncMillis = System.currentTimeMillis();
        return segment;
    }

    /** The store confirmed {@code count} more events of the segment; deletes it once all are. */
    void confirmed(SpoolSegment segment, int count) {
        segment.confirmed += count;
        if (segment.fullyConfirmed()) {
            retire(segment);
        }
    }

    /** Closes the active segment; what is in it stays for the next start unless already confirmed. */
    @Override
    public void close() {
        if (active != null) {
            SpoolSegment last = active;
            seal(last);
            if (last.fullyConfirmed()) {
                retire(last);
            }
        }
    }

    private SpoolSegment create() throws IOException {
        long seq = nextSeq++;
        SpoolSegment segment = new SpoolSegment(seq, dir.resolve(String.format("spend-%019d.log", seq)));
        segment.channel = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        counters.segments.incrementAndGet();
        syncDirectory();
        return segment;
    }

    /** Makes a new file's name survive a power cut too (a crash of the process alone needs no sync). */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException notSupported) {
            // some platforms cannot open a directory; the file's data is forced regardless
        }
    }

    private void seal(SpoolSegment segment) {
        if (segment.channel != null) {
            try {
                segment.channel.close();
            } catch (IOException e) {
                log.warn("Closing spend spool {} failed: {}", segment, e.toString());
            }
            segment.channel = null;
        }
        if (segment == active) {
            active = null;
        }
    }

    private void retire(SpoolSegment segment) {
        if (segment.retired) {
            return;
        }
        segment.retired = true;
        seal(segment);
        try {
            if (segment.corrupt) {
                Files.move(segment.path, segment.path.resolveSibling(segment.path.getFileName().toString().replace(".log", ".corrupt")));
            } else {
                Files.deleteIfExists(segment.path);
            }
        } catch (IOException e) {
            // Its events are confirmed; if the file stays, the next start replays them harmlessly.
            log.warn("Could not remove confirmed spend spool {}: {}", segment, e.toString());
        }
        counters.segments.decrementAndGet();
        counters.spooledBytes.addAndGet(-segment.bytes);
    }
}
