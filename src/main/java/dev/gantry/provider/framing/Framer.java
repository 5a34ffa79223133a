package dev.gantry.provider.framing;

import io.vertx.core.buffer.Buffer;

/** Splits a response body into frames (NDJSON lines, SSE events) as network reads arrive. */
public interface Framer {

    /** Consumes one network read; complete frames go to the framer's consumer. */
    void feed(Buffer bytes);

    /** End of stream: emits what a final read left complete. */
    void finish();
}
