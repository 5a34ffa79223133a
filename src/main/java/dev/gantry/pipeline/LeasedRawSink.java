package dev.gantry.pipeline;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.RawSink;
import dev.gantry.route.Lease;
import io.vertx.core.buffer.Buffer;

/** Passes relayed bytes through and ends the routing lease when the answer ends. */
final class LeasedRawSink implements RawSink {

    private final RawSink target;
    private final Lease lease;
    private final Exchange exchange;

    LeasedRawSink(RawSink target, Lease lease, Exchange exchange) {
        this.target = target;
        this.lease = lease;
        this.exchange = exchange;
    }

    @Override
    public void onBytes(Buffer bytes) {
        target.onBytes(bytes);
    }

    @Override
    public void onEnd(Usage usage) {
        lease.succeeded(usage);
        target.onEnd(usage);
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
