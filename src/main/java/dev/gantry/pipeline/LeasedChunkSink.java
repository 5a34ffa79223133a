package dev.gantry.pipeline;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;
import dev.gantry.route.Lease;

/** Passes a translated answer through and ends the routing lease when it ends, with the usage it carried. */
final class LeasedChunkSink implements ChunkSink {

    private final ChunkSink target;
    private final Lease lease;
    private final Exchange exchange;
    private Usage usage;

    LeasedChunkSink(ChunkSink target, Lease lease, Exchange exchange) {
        this.target = target;
        this.lease = lease;
        this.exchange = exchange;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        target.onChunk(chunk);
    }

    @Override
    public void onEnd() {
        lease.succeeded(usage);
        target.onEnd();
    }

    @Override
    public void onError(GatewayError error) {
        if (exchange.isCancelled()) {
            lease.abandoned();
        } else {
            lease.failed(error);
        }
        target.onError(error);
    }
}
