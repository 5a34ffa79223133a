package dev.gantry.surface.anthropic;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;
import java.util.function.Consumer;

/**
 * Canonical chunks → the Anthropic event stream, in exactly the order the SDKs expect
 * (PROTOCOLS.md section 2.4): {@code message_start}, then blocks (start, a {@code ping} after the
 * first start as Anthropic sends it, deltas, stop), then {@code message_delta} with the stop reason
 * and usage, then {@code message_stop}. Nothing is written before the first chunk, so an error
 * before the answer begins is still a plain JSON error with its status.
 */
final class AnthropicStreamWriter implements ChunkSink, BlockSequencer.Blocks {

    private final AnthropicSseChannel channel;
    private final EventEncoder encoder;
    private final long estimatedInput;
    private final Consumer<Usage> usageListener;
    private final BlockSequencer blocks;
    private boolean started;
    private boolean pinged;
    private FinishReason finish;
    private Usage usage;

    AnthropicStreamWriter(AnthropicSseChannel channel, EventEncoder encoder, boolean showThinking, long estimatedInput,
                          Consumer<Usage> usageListener) {
        this.channel = channel;
        this.encoder = encoder;
        this.estimatedInput = estimatedInput;
        this.usageListener = usageListener;
        this.blocks = new BlockSequencer(this, showThinking);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.finish() != null && finish == null) {
            finish = chunk.finish();
        }
        blocks.accept(chunk);
    }

    @Override
    public void onEnd() {
        blocks.finish();
        if (finish == FinishReason.ERROR && !blocks.anyBlock()) {
            // PROTOCOLS.md 5.8: an error finish before any content is an error response, not an empty answer.
            onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream model failed to produce an answer."));
            return;
        }
        // With no usage from the upstream, the estimate stands rather than a 0 that would overwrite it.
        Usage u = usage == null ? new Usage(estimatedInput, 0, true) : usage;
        usageListener.accept(u);
        begin();
        channel.write(encoder.messageDelta(blocks.stopReason(finish), u));
        channel.write(encoder.messageStop());
        channel.end();
    }

    @Override
    public void onError(GatewayError error) {
        if (usage != null) {
            usageListener.accept(usage);
        }
        channel.fail(error);
    }

    /** {@code message_start} carries input tokens before the upstream reported any: Gantry's estimate. */
    private void begin() {
        if (!started) {
            started = true;
            channel.write(encoder.messageStart(estimatedInput));
        }
    }

    private void afterStart() {
        if (!pinged) {
            pinged = true;
            channel.write(AnthropicSseChannel.PING);
        }
    }

    @Override
    public void startText(int index) {
        begin();
        channel.write(encoder.startText(index));
        afterStart();
    }

    @Override
    public void startThinking(int index) {
        begin();
        channel.write(encoder.startThinking(index));
        afterStart();
    }

    @Override
    public void startToolUse(int index, String id, String name) {
        begin();
        channel.write(encoder.startToolUse(index, id, name));
        afterStart();
    }

    @Override
    public void textDelta(int index, String text) {
        channel.write(encoder.textDelta(index, text));
    }

    @Override
    public void thinkingDelta(int index, String thinking) {
        channel.write(encoder.thinkingDelta(index, thinking));
    }

    @Override
    public void inputJsonDelta(int index, String partialJson) {
        channel.write(encoder.inputJsonDelta(index, partialJson));
    }

    @Override
    public void stop(int index) {
        channel.write(encoder.blockStop(index));
    }
}
