package dev.gantry.store;

import dev.gantry.limits.BudgetScope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * What a budget has already spent in its current period, read from the database for the limiter
 * ({@code "key:ID"}, {@code "team:ID"} or {@code "user:ID"}, period start in epoch millis). Runs
 * on virtual threads, never on an event loop.
 */
public final class BudgetSpend {

    private final JdbcSpendStore spend;
    private final Executor executor = Executors.newVirtualThreadPerTaskExecutor();

    public BudgetSpend(JdbcSpendStore spend) {
        this.spend = spend;
    }

    public CompletionStage<Long> load(BudgetScope scope) {
        return CompletableFuture.supplyAsync(() -> {
            int colon = scope.id().indexOf(':');
            JdbcSpendStore.GroupBy by = switch (scope.id().substring(0, colon)) {
                case "key" -> JdbcSpendStore.GroupBy.KEY;
                case "team" -> JdbcSpendStore.GroupBy.TEAM;
                case "user" -> JdbcSpendStore.GroupBy.USER;
                default -> throw new IllegalArgumentException("unknown budget scope " + scope.id());
            };
            try {
                return spend.spentSince(by, scope.id().substring(colon + 1), Long.parseLong(scope.periodId()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read spend for " + scope.id(), e);
            }
        }, executor);
    }
}
