package dev.gantry.pipeline;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.RawSink;
import io.vertx.core.buffer.Buffer;

/**
 * Passes relayed bytes through and ends the attempt when the answer ends. A non-streamed answer
 * arrives whole and is held until its end is settled, so its headers can carry its cost.
 */
final class LeasedRawSink implements RawSink {

    private final RawSink target;
    private final AttemptEnd end;
    private final boolean stream;
    private Buffer held;
    private long outputBytes;

    LeasedRawSink(RawSink target, AttemptEnd end, boolean stream) {
        this.target = target;
        this.end = end;
        this.stream = stream;
    }

    @Override
    public void onBytes(Buffer bytes) {
        outputBytes += bytes.length();
        if (stream) {
            target.onBytes(bytes);
        } else if (held == null) {
            held = bytes;
        } else {
            held = held.copy().appendBuffer(bytes);
        }
    }

    @Override
    public void onEnd(Usage usage) {
        // Without usage, the relayed bytes (JSON framing included) are an upper bound of the text.
        OnLoop.after(end.succeeded(usage, outputBytes), () -> {
            if (held != null) {
                target.onBytes(held);
                held = null;
            }
            target.onEnd(usage);
        });
    }

    @Override
    public void onError(GatewayError error) {
        end.failed(error);
        target.onError(error);
    }
}
