package dev.gantry.pipeline;

import dev.gantry.account.Cost;
import dev.gantry.auth.Policy;
import dev.gantry.auth.Principal;
import dev.gantry.config.GantryConfig.Price;
import dev.gantry.limits.BudgetScope;
import dev.gantry.limits.Decision;
import dev.gantry.limits.LimitScope;
import dev.gantry.limits.Limiter;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits and budgets before the upstream call: a request counts against its key, team and user
 * (rpm, tpm, max_parallel) and their budgets, all or nothing. Tokens and cost are reserved from
 * an estimate and settled with the real figures when the answer ends; parallel slots are freed
 * when the request is over, however it ended. The master key is never limited.
 */
public final class Admission {

    /** Output tokens assumed for a request that sets no max_tokens, for reservations only. */
    static final int DEFAULT_OUTPUT_ESTIMATE = 1024;

    private final Limiter limiter;

    public Admission(Limiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Admits or refuses (with the error the client gets). Allowed requests carry their decision
     * on the exchange: headers go out with the response, settle and release happen by themselves.
     */
    public Future<Void> admit(Exchange exchange, List<Deployment> group, java.util.function.LongSupplier promptTokens, long maxOutputTokens) {
        Principal p = exchange.principal();
        if (p == null || p.isMaster()) {
            return Future.succeededFuture();
        }
        long now = System.currentTimeMillis();
        List<LimitScope> scopes = new ArrayList<>(3);
        List<BudgetScope> budgets = new ArrayList<>(3);
        add(scopes, budgets, "key:" + p.key().id(), p.key().policy(), p.key().createdAt(), now);
        if (p.team() != null) {
            add(scopes, budgets, "team:" + p.team().id(), p.team().policy(), p.team().createdAt(), now);
        }
        if (p.user() != null) {
            add(scopes, budgets, "user:" + p.user().id(), p.user().policy(), p.user().createdAt(), now);
        }
        if (Limiter.nothingToCheck(scopes, budgets)) {
            return Future.succeededFuture();
        }
        long output = maxOutputTokens > 0 ? maxOutputTokens : DEFAULT_OUTPUT_ESTIMATE;
        long prompt = promptTokens.getAsLong();
        long estTokens = prompt + output;
        long estCost = budgets.isEmpty() ? 0 : Cost.nanos(prompt, output, dearest(group));
        return limiter.admit(scopes, estTokens, budgets, estCost).compose(decision -> {
            exchange.responseHeaders(decision.headers());
            if (!decision.allowed()) {
                return Future.failedFuture(decision.error());
            }
            exchange.decision(decision);
            exchange.onFinish(() -> {
                limiter.settle(decision, 0, 0); // a no-op when the answer already settled it
                limiter.release(decision);
            });
            return Future.succeededFuture();
        });
    }

    /** The answer ended: real tokens and cost replace the estimates. */
    public void settle(Exchange exchange, long tokens, long costNanos) {
        Decision decision = exchange.decision();
        if (decision != null) {
            limiter.settle(decision, tokens, costNanos);
        }
    }

    private static void add(List<LimitScope> scopes, List<BudgetScope> budgets, String id, Policy policy, long createdAt, long now) {
        scopes.add(new LimitScope(id, policy.rpmLimit(), policy.tpmLimit(), policy.maxParallel()));
        if (policy.maxBudgetNanos() != null) {
            budgets.add(new BudgetScope(id, Long.toString(periodStart(createdAt, policy.budgetDuration(), now)), policy.maxBudgetNanos()));
        }
    }

    /**
     * Budget periods start when the key (team, user) was created and repeat every budget_duration;
     * without a duration there is one period for ever (it starts at 0).
     */
    static long periodStart(long createdAt, Duration duration, long now) {
        if (duration == null || duration.isZero()) {
            return 0;
        }
        long length = duration.toMillis();
        long elapsed = Math.max(0, now - createdAt);
        return createdAt + (elapsed / length) * length;
    }

    /** Reserve at the dearest price in the group: routing has not chosen yet. */
    private static Price dearest(List<Deployment> group) {
        Price dearest = Price.FREE;
        for (Deployment d : group) {
            if (d.price().input() + d.price().output() > dearest.input() + dearest.output()) {
                dearest = d.price();
            }
        }
        return dearest;
    }
}
