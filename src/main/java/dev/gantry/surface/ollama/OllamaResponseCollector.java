package dev.gantry.surface.ollama;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;
import dev.gantry.surface.ollama.OllamaJson.Shape;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/** Aggregates a canonical stream into the one object Ollama answers for {@code stream:false}. */
final class OllamaResponseCollector implements ChunkSink {

    private final HttpServerResponse response;
    private final Shape shape;
    private final String model;
    private final OllamaJson.Timing timing;
    private final Consumer<Usage> usageListener;
    private final StringBuilder text = new StringBuilder();
    private StringBuilder thinking;
    private final ToolCallBuffer calls = new ToolCallBuffer();
    private FinishReason finish;
    private Usage usage;

    OllamaResponseCollector(HttpServerResponse response, Shape shape, String model, long startNanos, Consumer<Usage> usageListener) {
        this.response = response;
        this.shape = shape;
        this.model = model;
        this.timing = new OllamaJson.Timing(startNanos);
        this.usageListener = usageListener;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.text() != null) {
            timing.sawOutput();
            text.append(chunk.text());
        }
        if (chunk.reasoning() != null) {
            timing.sawOutput();
            (thinking == null ? thinking = new StringBuilder() : thinking).append(chunk.reasoning());
        }
        if (shape == Shape.CHAT) {
            for (ToolCallDelta d : chunk.toolCalls()) {
                timing.sawOutput();
                calls.add(d);
            }
        }
        if (chunk.finish() != null) {
            finish = chunk.finish();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
    }

    @Override
    public void onEnd() {
        Usage u = usage == null ? Usage.NONE : usage;
        usageListener.accept(u);
        if (response.closed() || response.ended()) {
            return;
        }
        response.putHeader("content-type", "application/json; charset=utf-8").end(OllamaJson.object(g -> {
            OllamaJson.head(g, model);
            OllamaJson.body(g, shape, text.toString(), thinking == null ? null : thinking.toString(), calls);
            OllamaJson.done(g, finish, u, timing);
        }, false));
    }

    @Override
    public void onError(GatewayError error) {
        if (usage != null) {
            usageListener.accept(usage);
        }
        OllamaErrors.send(response, error);
    }
}
