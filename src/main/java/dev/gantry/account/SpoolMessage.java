package dev.gantry.account;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the recorder's two threads send each other. Everything for one thread goes through one
 * queue, so order is kept: a flush marker overtakes no event recorded before it, and a returned
 * marker overtakes no confirmation sent before it.
 */
sealed interface SpoolMessage {

    /** Caller → spool thread: one event to make durable. */
    record Record(SpendEvent event, CompletableFuture<Void> durable) implements SpoolMessage {
    }

    /** Caller → spool → store → spool: done once everything recorded before it is confirmed. */
    record Flush(CompletableFuture<Void> done) implements SpoolMessage {
    }

    /** Store → spool thread: the marker's turn came; complete it after the confirmations before it. */
    record FlushDone(CompletableFuture<Void> done) implements SpoolMessage {
    }

    /** Store → spool thread: these many events of each segment are now in the store. */
    record Confirmed(List<Count> counts) implements SpoolMessage {
    }

    /** Events confirmed in one segment. */
    record Count(SpoolSegment segment, int events) {
    }

    /** Caller → spool → store: write what you can, then answer {@link StoreClosed}. */
    record Close() implements SpoolMessage {
    }

    /** Store → spool thread: the store thread made its last attempt and has stopped. */
    record StoreClosed() implements SpoolMessage {
    }
}
