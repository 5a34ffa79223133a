package dev.gantry.pipeline;

import dev.gantry.account.Cost;
import dev.gantry.account.SpendEvent;
import dev.gantry.account.TokenCounter;
import dev.gantry.auth.Principal;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.Usage;
import dev.gantry.route.Deployment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Turns a finished answer into money: usage (from the upstream, or counted when it gave none)
 * times the deployment's price, one spend event per request (id = request id, so a replay is
 * stored once), and the cost on the exchange for the {@code x-gantry-cost} header.
 *
 * <p>A request that cost money finishes only once its spend event is durable in the spool: a
 * client never holds a cost that a crash could lose. Free requests (local models) do not wait.
 */
public final class Accounting {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Function<SpendEvent, CompletionStage<Void>> spend;

    /** @param spend records an event; completes when it is durable */
    public Accounting(Function<SpendEvent, CompletionStage<Void>> spend) {
        this.spend = spend;
    }

    /** The settled usage of an answer, and when its spend is safe (complete at once when it cost nothing). */
    public record Settled(Usage usage, CompletionStage<Void> durable) {}

    /**
     * @param usage what the upstream reported; null or {@link Usage#NONE} when it reported nothing
     * @param outputChars characters of generated text, for the estimate when usage is missing
     */
    public Settled chatEnded(Exchange exchange, Deployment deployment, ChatRequest request, Usage usage, long outputChars) {
        Usage settled = usage;
        if (usage == null || usage == Usage.NONE || (usage.inputTokens() == 0 && usage.outputTokens() == 0)) {
            settled = new Usage(TokenCounter.prompt(request), (outputChars + 3) / 4, true);
        }
        return new Settled(settled, record(exchange, deployment, settled));
    }

    public CompletionStage<Void> embeddingEnded(Exchange exchange, Deployment deployment, long promptTokens) {
        return record(exchange, deployment, new Usage(promptTokens, 0, false));
    }

    private CompletionStage<Void> record(Exchange exchange, Deployment deployment, Usage usage) {
        long nanos = Cost.nanos(usage.inputTokens(), usage.outputTokens(), deployment.price());
        Principal p = exchange.principal();
        boolean key = p != null && p.kind() == Principal.Kind.KEY;
        CompletionStage<Void> durable = spend.apply(new SpendEvent(exchange.requestId(), System.currentTimeMillis(), exchange.requestId(),
                key ? p.key().id() : null,
                key ? p.key().teamId() : null,
                key ? p.key().userId() : null,
                exchange.model(), deployment.id(), usage.inputTokens(), usage.outputTokens(), usage.estimated(), nanos));
        exchange.cost(nanos);
        return nanos > 0 ? durable : DONE;
    }
}
