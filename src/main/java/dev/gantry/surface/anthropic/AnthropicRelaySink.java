package dev.gantry.surface.anthropic;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.RawSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * Writes an Anthropic upstream's bytes to an Anthropic client unchanged (the pass-through fast
 * path). Streamed: the upstream's SSE bytes go out as they arrive under Gantry's SSE headers, and
 * a failure after the start becomes {@code event: error}. Whole: the upstream's JSON body is the
 * response.
 */
final class AnthropicRelaySink implements RawSink {

    private final HttpServerResponse response;
    private final AnthropicSseChannel channel;
    private final boolean stream;
    private final Consumer<Usage> usageListener;

    AnthropicRelaySink(HttpServerResponse response, AnthropicSseChannel channel, boolean stream, Consumer<Usage> usageListener) {
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
            response.putHeader("content-type", "application/json").end(bytes);
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
