package dev.gantry.fake;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Writes a stream's frames one at a time with a delay between them, and stops quietly when the
 * client went away. {@code frames} are the content frames; {@code tail} follows them (final
 * object, usage, [DONE]). A reset closes the socket after N content frames; an in-band error
 * writes {@code errorFrame} after N content frames and ends the response.
 */
final class FrameWriter {

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Recorded recorded;
    private final List<String> frames;
    private final List<String> tail;
    private final long delayMillis;
    private final int resetAfter;
    private final int errorAfter;
    private final int hangAfter;
    private final String errorFrame;
    private int next;

    FrameWriter(Vertx vertx, HttpServerRequest request, Recorded recorded, List<String> frames, List<String> tail,
                Behaviour b, String errorFrame) {
        this.vertx = vertx;
        this.request = request;
        this.response = request.response();
        this.recorded = recorded;
        this.frames = frames;
        this.tail = tail;
        this.delayMillis = b.chunkDelayMillis;
        this.resetAfter = b.resetAfterChunks;
        this.errorAfter = b.inBandErrorAfterChunks;
        this.hangAfter = b.hangAfterChunks;
        this.errorFrame = errorFrame;
    }

    void start() {
        schedule();
    }

    private void schedule() {
        if (delayMillis > 0) {
            vertx.setTimer(delayMillis, id -> step());
        } else {
            vertx.runOnContext(v -> step());
        }
    }

    private void step() {
        if (recorded.closedEarly().isDone()) {
            return;
        }
        if (resetAfter >= 0 && next >= Math.min(resetAfter, frames.size())) {
            // Make sure what was written reaches the wire, then drop the connection.
            response.write(Buffer.buffer()).onComplete(ar -> request.connection().close());
            return;
        }
        if (hangAfter >= 0 && next >= Math.min(hangAfter, frames.size())) {
            response.write(Buffer.buffer()); // headers and what was written go out; then silence
            return;
        }
        if (errorAfter >= 0 && next >= Math.min(errorAfter, frames.size())) {
            response.end(errorFrame).onComplete(ar -> recorded.markCompleted());
            return;
        }
        if (next < frames.size()) {
            response.write(frames.get(next++));
            schedule();
            return;
        }
        for (String t : tail) {
            response.write(t);
        }
        response.end().onComplete(ar -> recorded.markCompleted());
    }
}
