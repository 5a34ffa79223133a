package dev.gantry.pipeline;

import dev.gantry.account.Cost;
import dev.gantry.account.SpendEvent;
import dev.gantry.account.TokenCounter;
import dev.gantry.auth.Principal;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.Usage;
import dev.gantry.route.Deployment;
import java.util.function.Consumer;

/**
 * Turns a finished answer into money: usage (from the upstream, or counted when it gave none)
 * times the deployment's price, one spend event per request (id = request id, so a replay is
 * stored once), and the cost on the exchange for the {@code x-gantry-cost} header.
 */
public final class Accounting {

    private final Consumer<SpendEvent> spend;

    public Accounting(Consumer<SpendEvent> spend) {
        this.spend = spend;
    }

    /**
     * @param usage what the upstream reported; null or {@link Usage#NONE} when it reported nothing
     * @param outputChars characters of generated text, for the estimate when usage is missing
     * @return the settled usage
     */
    public Usage chatEnded(Exchange exchange, Deployment deployment, ChatRequest request, Usage usage, long outputChars) {
        Usage settled = usage;
        if (usage == null || usage == Usage.NONE || (usage.inputTokens() == 0 && usage.outputTokens() == 0)) {
            settled = new Usage(TokenCounter.prompt(request), (outputChars + 3) / 4, true);
        }
        record(exchange, deployment, settled);
        return settled;
    }

    public void embeddingEnded(Exchange exchange, Deployment deployment, long promptTokens) {
        record(exchange, deployment, new Usage(promptTokens, 0, false));
    }

    private void record(Exchange exchange, Deployment deployment, Usage usage) {
        long nanos = Cost.nanos(usage.inputTokens(), usage.outputTokens(), deployment.price());
        Principal p = exchange.principal();
        boolean key = p != null && p.kind() == Principal.Kind.KEY;
        spend.accept(new SpendEvent(exchange.requestId(), System.currentTimeMillis(), exchange.requestId(),
                key ? p.key().id() : null,
                key ? p.key().teamId() : null,
                key ? p.key().userId() : null,
                exchange.model(), deployment.id(), usage.inputTokens(), usage.outputTokens(), usage.estimated(), nanos));
        exchange.cost(nanos);
    }
}
