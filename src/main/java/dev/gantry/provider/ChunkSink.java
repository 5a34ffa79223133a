package dev.gantry.provider;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.GatewayError;

/**
 * Receives a canonical response stream. Exactly one of {@link #onEnd()} or {@link #onError} is
 * called last. All calls arrive on the request's event loop.
 */
public interface ChunkSink {

    void onChunk(ChatChunk chunk);

    /** The upstream finished normally (its finish chunk was delivered). */
    void onEnd();

    /** The stream broke after it had started: truncated, reset, timed out, or an in-band error. */
    void onError(GatewayError error);
}
