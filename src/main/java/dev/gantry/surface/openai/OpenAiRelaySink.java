package dev.gantry.surface.openai;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.RawSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes an OpenAI upstream's bytes to an OpenAI client unchanged (the pass-through fast path). */
final class OpenAiRelaySink implements RawSink {

    private final HttpServerResponse response;
    private final SseChannel channel;
    private final boolean stream;
    private final OpenAiStreamWriter.UsageListener usageListener;

    OpenAiRelaySink(HttpServerResponse response, SseChannel channel, boolean stream, OpenAiStreamWriter.UsageListener usageListener) {
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
        usageListener.onUsage(usage == null ? Usage.NONE : usage);
        if (stream) {
            channel.end();
        }
    }

    @Override
    public void onError(GatewayError error) {
        channel.fail(error);
    }
}
