package dev.gantry.pipeline;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;

/**
 * Passes a translated answer through and ends the attempt when it ends, with the usage it carried
 * (and the length of what it generated, for an estimate when it carried none). The end is
 * settled before the surface is told, so a non-streamed answer's headers can carry its cost.
 */
final class LeasedChunkSink implements ChunkSink {

    private final ChunkSink target;
    private final AttemptEnd end;
    private Usage usage;
    private long outputChars;

    LeasedChunkSink(ChunkSink target, AttemptEnd end) {
        this.target = target;
        this.end = end;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.text() != null) {
            outputChars += chunk.text().length();
        }
        for (ToolCallDelta d : chunk.toolCalls()) {
            outputChars += d.argumentsFragment() == null ? 0 : d.argumentsFragment().length();
        }
        target.onChunk(chunk);
    }

    @Override
    public void onEnd() {
        OnLoop.after(end.succeeded(usage, outputChars), target::onEnd);
    }

    @Override
    public void onError(GatewayError error) {
        end.failed(error);
        target.onError(error);
    }
}
