package dev.gantry.surface.ollama;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;
import dev.gantry.surface.ollama.OllamaJson.Shape;
import java.util.function.Consumer;

/**
 * Canonical chunks → Ollama NDJSON (PROTOCOLS.md 3.3): one line per piece of text or thinking;
 * tool calls buffered until whole and sent together in one non-final line; then the final
 * {@code done:true} line with the reason and the metrics.
 */
final class OllamaStreamWriter implements ChunkSink {

    private final NdjsonChannel channel;
    private final Shape shape;
    private final String model;
    private final OllamaJson.Timing timing;
    private final Consumer<Usage> usageListener;
    private final ToolCallBuffer calls = new ToolCallBuffer();
    private FinishReason finish;
    private Usage usage;

    /** @param model the name the client asked for: Ollama echoes it exactly */
    OllamaStreamWriter(NdjsonChannel channel, Shape shape, String model, long startNanos, Consumer<Usage> usageListener) {
        this.channel = channel;
        this.shape = shape;
        this.model = model;
        this.timing = new OllamaJson.Timing(startNanos);
        this.usageListener = usageListener;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.hasText() || chunk.reasoning() != null) {
            timing.sawOutput();
            channel.write(OllamaJson.object(g -> {
                OllamaJson.head(g, model);
                OllamaJson.body(g, shape, chunk.text(), chunk.reasoning(), null);
                g.writeBooleanField("done", false);
            }, true));
        }
        if (shape == Shape.CHAT) {
            for (ToolCallDelta d : chunk.toolCalls()) {
                timing.sawOutput();
                calls.add(d);
            }
        }
        if (chunk.finish() != null) {
            finish = chunk.finish();
            flushCalls(); // fragments of a call end with the finish (OpenAI) or arrive whole (Ollama)
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
    }

    private void flushCalls() {
        if (calls.isEmpty()) {
            return;
        }
        channel.write(OllamaJson.object(g -> {
            OllamaJson.head(g, model);
            OllamaJson.body(g, shape, "", null, calls);
            g.writeBooleanField("done", false);
        }, true));
        calls.clear();
    }

    @Override
    public void onEnd() {
        flushCalls();
        Usage u = usage == null ? Usage.NONE : usage;
        usageListener.accept(u);
        channel.write(OllamaJson.object(g -> {
            OllamaJson.head(g, model);
            OllamaJson.body(g, shape, "", null, null);
            OllamaJson.done(g, finish, u, timing);
        }, true));
        channel.end();
    }

    @Override
    public void onError(GatewayError error) {
        if (usage != null) {
            usageListener.accept(usage);
        }
        channel.fail(error);
    }
}
