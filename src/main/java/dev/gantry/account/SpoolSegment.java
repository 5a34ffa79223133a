package dev.gantry.account;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One spool file and how many of its events the store has confirmed. Touched only by the spool
 * thread; the store thread merely carries references to it back in its confirmations.
 */
final class SpoolSegment {

    final long seq;
    final Path path;
    /** Open while events are appended; {@code null} once sealed (rotated, failed, or read at start). */
    FileChannel channel;
    long bytes;
    /** Events on disk and forced: counted only after {@code force} returned. */
    int written;
    int confirmed;
    /** Had lines that failed their checksum: kept for inspection instead of deleted. */
    boolean corrupt;
    /** Deleted (or set aside as corrupt): confirmations arriving later change nothing. */
    boolean retired;

    SpoolSegment(long seq, Path path) {
        this.seq = seq;
        this.path = path;
    }

    boolean fullyConfirmed() {
        return confirmed >= written;
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
