package dev.gantry.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Limits and budgets of one process. One lock guards all counters: an admission must see and
 * change every scope of the request together (all-or-nothing), and the work under the lock is a
 * few array reads per scope (the windows keep running totals), so per-scope locks taken in a
 * sorted order would cost more than the contention they save on the few cores a gateway runs on.
 * Idle counters are swept once a minute so the maps do not grow with every key ever seen.
 */
public final class LocalLimiter implements Limiter {

    private static final long SWEEP_EVERY_MS = 60_000;
    private static final long BUDGET_IDLE_MS = 3_600_000;
    private static final int LOAD_ATTEMPTS = 3;

    private final LongSupplier clock;
    private final Function<BudgetScope, CompletionStage<Long>> spentLoader;
    private final BiConsumer<BudgetScope, Long> onSpend;
    private final Map<String, Counters> scopes = new HashMap<>();
    private final Map<String, Budget> budgets = new HashMap<>();
    private long nextSweep = Long.MIN_VALUE;

    /** @param spentLoader the amount (nano-dollars) a budget scope already spent in its period, from the database */
    public LocalLimiter(Function<BudgetScope, CompletionStage<Long>> spentLoader) {
        this(System::currentTimeMillis, spentLoader, null);
    }

    /** @param clockMillis wall-clock milliseconds (injectable for tests) */
    public LocalLimiter(LongSupplier clockMillis, Function<BudgetScope, CompletionStage<Long>> spentLoader) {
        this(clockMillis, spentLoader, null);
    }

    /** @param onSpend told of each settled cost (the Redis limiter replays fallback spend once Redis is back) */
    LocalLimiter(LongSupplier clockMillis, Function<BudgetScope, CompletionStage<Long>> spentLoader, BiConsumer<BudgetScope, Long> onSpend) {
        this.clock = clockMillis;
        this.spentLoader = spentLoader;
        this.onSpend = onSpend;
    }

    @Override
    public Future<Decision> admit(List<LimitScope> limits, long estTokens, List<BudgetScope> budgetScopes, long estCostNanos) {
        if (Limiter.nothingToCheck(limits, budgetScopes)) {
            return Decision.UNLIMITED_FUTURE;
        }
        return admit(Verdicts.limited(limits), Math.max(0, estTokens), budgetScopes, Math.max(0, estCostNanos), 1);
    }

    private Future<Decision> admit(List<LimitScope> limits, long estTokens, List<BudgetScope> budgetScopes, long estCost, int attempt) {
        List<CompletableFuture<Void>> pending = null;
        List<BudgetScope> toLoad = null;
        List<Budget> toLoadEntries = null;
        BudgetScope waitingFor = null;
        synchronized (this) {
            Budget[] bs = new Budget[budgetScopes.size()];
            long now = clock.getAsLong();
            for (int j = 0; j < bs.length; j++) {
                BudgetScope scope = budgetScopes.get(j);
                Budget b = budgets.get(scope.id());
                if (b == null || !b.periodId.equals(scope.periodId())) {
                    b = new Budget(scope.periodId());
                    budgets.put(scope.id(), b); // a new period starts from what the database says was spent in it
                }
                b.lastUsedMs = now;
                bs[j] = b;
                if (!b.loaded) {
                    if (b.loading == null) {
                        b.loading = new CompletableFuture<>();
                        toLoad = add(toLoad, scope);
                        toLoadEntries = add(toLoadEntries, b);
                    }
                    pending = add(pending, b.loading);
                    waitingFor = waitingFor == null ? scope : waitingFor;
                }
            }
            if (pending == null) {
                return Future.succeededFuture(decide(limits, estTokens, budgetScopes, bs, estCost, now));
            }
        }
        for (int k = 0; toLoad != null && k < toLoad.size(); k++) {
            load(toLoad.get(k), toLoadEntries.get(k));
        }
        BudgetScope failed = waitingFor;
        Context context = Vertx.currentContext();
        Promise<Decision> promise = Promise.promise();
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            Runnable next = () -> {
                if (error != null || attempt >= LOAD_ATTEMPTS) {
                    promise.complete(Verdicts.budgetUnavailable(failed));
                } else {
                    admit(limits, estTokens, budgetScopes, estCost, attempt + 1).onComplete(promise);
                }
            };
            if (context != null) {
                context.runOnContext(v -> next.run());
            } else {
                next.run();
            }
        });
        return promise.future();
    }

    private void load(BudgetScope scope, Budget b) {
        CompletionStage<Long> spent;
        try {
            spent = spentLoader.apply(scope);
        } catch (RuntimeException e) {
            spent = CompletableFuture.failedFuture(e);
        }
        spent.whenComplete((value, error) -> {
            synchronized (this) {
                if (error == null) {
                    b.spent += value == null ? 0 : value;
                    b.loaded = true;
                } else if (budgets.get(scope.id()) == b) {
                    budgets.remove(scope.id()); // the next request tries the database again
                }
            }
            if (error == null) {
                b.loading.complete(null);
            } else {
                b.loading.completeExceptionally(error);
            }
        });
    }

    /** Checks every scope and budget, then counts the request in all of them or in none. Holds the lock. */
    private Decision decide(List<LimitScope> limits, long est, List<BudgetScope> budgetScopes, Budget[] bs, long estCost, long now) {
        long sec = now / 1000;
        sweepIfDue(now, sec);
        int n = limits.size();
        Counters[] cs = new Counters[n];
        ScopeReading[] readings = new ScopeReading[n];
        boolean rateRefused = false;
        for (int i = 0; i < n; i++) {
            LimitScope s = limits.get(i);
            Counters c = scopes.computeIfAbsent(s.id(), k -> new Counters());
            cs[i] = c;
            long wait = 0;
            if (s.rpm() != null) {
                wait = Math.max(wait, c.requests().waitMillis(now, 1, s.rpm()));
            }
            if (s.tpm() != null) {
                wait = Math.max(wait, c.tokens().waitMillis(now, est, s.tpm()));
            }
            if (s.maxParallel() != null && c.parallel >= s.maxParallel()) {
                wait = Math.max(wait, 1000);
            }
            rateRefused |= wait > 0;
            readings[i] = reading(s, c, now, wait);
        }
        for (int j = 0; j < bs.length; j++) {
            if (bs[j].spent + bs[j].reserved >= budgetScopes.get(j).maxNanos()) {
                return Verdicts.budgetRefused(budgetScopes.get(j), readings);
            }
        }
        if (rateRefused) {
            return Verdicts.rateRefused(readings, est);
        }
        for (int i = 0; i < n; i++) {
            LimitScope s = limits.get(i);
            Counters c = cs[i];
            c.open++;
            if (s.rpm() != null) {
                c.requests().add(sec, 1);
            }
            if (s.tpm() != null) {
                c.tokens().add(sec, est);
            }
            if (s.maxParallel() != null) {
                c.parallel++;
            }
            readings[i] = reading(s, c, now, 0);
        }
        for (Budget b : bs) {
            b.reserved += estCost;
            b.open++;
        }
        return Verdicts.allowed(readings, new LocalTicket(limits, cs, sec, est, budgetScopes, bs, estCost), est, estCost);
    }

    private static ScopeReading reading(LimitScope s, Counters c, long now, long wait) {
        long sec = now / 1000;
        long ru = s.rpm() == null ? 0 : c.requests().used(sec);
        long rr = s.rpm() == null ? 0 : c.requests().resetMillis(now);
        long tu = s.tpm() == null ? 0 : c.tokens().used(sec);
        long tr = s.tpm() == null ? 0 : c.tokens().resetMillis(now);
        return new ScopeReading(s, ru, rr, tu, tr, c.parallel, wait);
    }

    private void sweepIfDue(long now, long sec) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY_MS;
        for (Iterator<Counters> it = scopes.values().iterator(); it.hasNext(); ) {
            Counters c = it.next();
            if (c.open == 0 && (c.requests == null || c.requests.used(sec) == 0) && (c.tokens == null || c.tokens.used(sec) == 0)) {
                it.remove();
            }
        }
        // An idle budget is loaded again from the database, which by then holds what was spent here.
        budgets.values().removeIf(b -> b.loaded && b.open == 0 && now - b.lastUsedMs > BUDGET_IDLE_MS);
    }

    /** Forgets every budget counter, so the next request loads them again (after a Redis outage ends). */
    synchronized void forgetBudgets() {
        budgets.values().removeIf(b -> b.loaded);
    }

    /** Number of scope and budget counters held (for tests of the sweep). */
    synchronized int size() {
        return scopes.size() + budgets.size();
    }

    private static <T> List<T> add(List<T> list, T item) {
        List<T> l = list == null ? new ArrayList<>(2) : list;
        l.add(item);
        return l;
    }

    private static final class Counters {
        private Window requests;
        private Window tokens;
        private int parallel;
        private int open;

        Window requests() {
            return requests == null ? requests = new Window() : requests;
        }

        Window tokens() {
            return tokens == null ? tokens = new Window() : tokens;
        }
    }

    private static final class Budget {
        private final String periodId;
        private long spent;
        private long reserved;
        private boolean loaded;
        private int open;
        private long lastUsedMs;
        private CompletableFuture<Void> loading;

        Budget(String periodId) {
            this.periodId = periodId;
        }
    }

    private final class LocalTicket implements Ticket {
        private final List<LimitScope> limits;
        private final Counters[] counters;
        private final long second;
        private final long estTokens;
        private final List<BudgetScope> budgetScopes;
        private final Budget[] budgetEntries;
        private final long estCost;

        LocalTicket(List<LimitScope> limits, Counters[] counters, long second, long estTokens, List<BudgetScope> budgetScopes,
                    Budget[] budgetEntries, long estCost) {
            this.limits = limits;
            this.counters = counters;
            this.second = second;
            this.estTokens = estTokens;
            this.budgetScopes = budgetScopes;
            this.budgetEntries = budgetEntries;
            this.estCost = estCost;
        }

        @Override
        public void settle(long actualTokens, long actualCost) {
            synchronized (LocalLimiter.this) {
                long sec = clock.getAsLong() / 1000;
                for (int i = 0; i < counters.length; i++) {
                    if (limits.get(i).tpm() != null && actualTokens != estTokens) {
                        counters[i].tokens().adjust(second, sec, actualTokens - estTokens);
                    }
                }
                for (Budget b : budgetEntries) {
                    b.reserved -= estCost;
                    b.spent += actualCost;
                }
            }
            if (onSpend != null && actualCost > 0) {
                for (BudgetScope b : budgetScopes) {
                    onSpend.accept(b, actualCost);
                }
            }
        }

        @Override
        public void release() {
            synchronized (LocalLimiter.this) {
                for (int i = 0; i < counters.length; i++) {
                    if (limits.get(i).maxParallel() != null) {
                        counters[i].parallel--;
                    }
                    counters[i].open--;
                }
                for (Budget b : budgetEntries) {
                    b.open--;
                }
            }
        }
    }
}
