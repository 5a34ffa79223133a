package dev.gantry.pipeline;

import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;

/** What happens when one attempt's answer is over: free the routing slot, account, settle limits. */
interface AttemptEnd {

    /**
     * The answer ended normally; {@code usage} may be null when the upstream reported none. The
     * client is told the end only when the returned stage completes (its spend is durable).
     */
    java.util.concurrent.CompletionStage<Void> succeeded(Usage usage, long outputChars);

    /** The answer broke after it started (or the client went away). */
    void failed(GatewayError error);
}
