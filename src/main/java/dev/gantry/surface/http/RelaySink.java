package dev.gantry.surface.http;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.RawSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * Writes an upstream's bytes to a client of the same API unchanged (the pass-through fast path),
 * for every surface: streamed, the bytes go out through the surface's channel as they arrive (a
 * failure after the start becomes its in-band error); whole, the upstream's body is the response.
 */
public final class RelaySink implements RawSink {

    private final HttpServerResponse response;
    private final StreamChannel channel;
    private final boolean stream;
    private final String contentType;
    private final Consumer<Usage> usageListener;

    public RelaySink(HttpServerResponse response, StreamChannel channel, boolean stream, String contentType,
                     Consumer<Usage> usageListener) {
        this.response = response;
        this.channel = channel;
        this.stream = stream;
        this.contentType = contentType;
        this.usageListener = usageListener;
    }

    @Override
    public void onBytes(Buffer bytes) {
        if (stream) {
            channel.write(bytes);
        } else if (!response.closed() && !response.ended()) {
            response.putHeader("content-type", contentType).end(bytes);
        }
    }

    @Override
    public void onEnd(Usage usage) {
        usageListener.accept(usage == null ? Usage.NONE : usage);
        if (stream) {
            channel.end();
        }
    }

    @Override
    public void onError(GatewayError error) {
        channel.fail(error);
    }
}
