package dev.gantry.surface.openai;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;
import io.vertx.core.buffer.Buffer;

/**
 * Canonical chunks → OpenAI SSE in the order clients expect (PROTOCOLS.md 1.4): role chunk,
 * content and tool-call deltas, the finish chunk, the usage chunk if asked, then {@code [DONE]}.
 */
final class OpenAiStreamWriter implements ChunkSink {

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final SseChannel channel;
    private final ChunkEncoder encoder;
    private final boolean includeUsage;
    private final UsageListener usageListener;
    private boolean roleSent;
    private boolean finishSent;
    private Usage usage;

    /** Told the final usage of the stream, for accounting and metrics. */
    interface UsageListener {
        void onUsage(Usage usage);
    }

    OpenAiStreamWriter(SseChannel channel, ChunkEncoder encoder, boolean includeUsage, UsageListener usageListener) {
        this.channel = channel;
        this.encoder = encoder;
        this.includeUsage = includeUsage;
        this.usageListener = usageListener;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (!roleSent) {
            roleSent = true;
            channel.write(encoder.role(!chunk.hasText() && !chunk.toolCalls().isEmpty()));
        }
        if (chunk.reasoning() != null) {
            channel.write(encoder.reasoning(chunk.reasoning()));
        }
        if (chunk.hasText()) {
            channel.write(encoder.text(chunk.text()));
        }
        for (ToolCallDelta d : chunk.toolCalls()) {
            if (d.startsCall()) {
                channel.write(encoder.toolCallStart(d));
            }
            if (d.argumentsFragment() != null && !d.argumentsFragment().isEmpty()) {
                channel.write(encoder.toolCallArguments(d.index(), d.argumentsFragment()));
            }
        }
        if (chunk.finish() != null && !finishSent) {
            finishSent = true;
            channel.write(encoder.finish(chunk.finish()));
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
    }

    @Override
    public void onEnd() {
        if (!roleSent) {
            roleSent = true;
            channel.write(encoder.role(false));
        }
        if (!finishSent) {
            finishSent = true;
            channel.write(encoder.finish(FinishReason.STOP));
        }
        Usage u = usage == null ? Usage.NONE : usage;
        usageListener.onUsage(u);
        if (includeUsage) {
            channel.write(encoder.usage(u));
        }
        channel.write(DONE);
        channel.end();
    }

    @Override
    public void onError(GatewayError error) {
        if (usage != null) {
            usageListener.onUsage(usage);
        }
        channel.fail(error);
    }
}
