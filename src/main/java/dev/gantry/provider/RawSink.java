package dev.gantry.provider;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import io.vertx.core.buffer.Buffer;

/** Receives an upstream response relayed byte for byte (same API in and out); only usage is read from it. */
public interface RawSink {

    /** Bytes to write to the client as they are. */
    void onBytes(Buffer bytes);

    void onEnd(Usage usage);

    void onError(GatewayError error);
}
