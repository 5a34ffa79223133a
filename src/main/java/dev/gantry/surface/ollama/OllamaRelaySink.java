package dev.gantry.surface.ollama;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.RawSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/** Writes an Ollama node's {@code /api/chat} answer to an Ollama client unchanged (the pass-through fast path). */
final class OllamaRelaySink implements RawSink {

    private final HttpServerResponse response;
    private final NdjsonChannel channel;
    private final boolean stream;
    private final Consumer<Usage> usageListener;

    OllamaRelaySink(HttpServerResponse response, NdjsonChannel channel, boolean stream, Consumer<Usage> usageListener) {
        this.response = response;
        this.channel = channel;
        this.stream = stream;
        this.usageListener = usageListener;
    }

    @Override
    public void onBytes(Buffer bytes) {
        if (stream) {
            channel.write(bytes);
        } else if (!response.closed() && !response.ended()) {
            response.putHeader("content-type", "application/json; charset=utf-8").end(bytes);
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
