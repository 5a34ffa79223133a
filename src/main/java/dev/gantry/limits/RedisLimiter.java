package dev.gantry.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Limits and budgets shared by every Gantry instance through Redis. Each admission is one Lua
 * script (EVALSHA) that checks and counts all scopes and budgets of the request at once, so the
 * limits are global and exact. Parallel slots and budget reservations are leases that this
 * instance renews while its requests run, so those of a dead instance expire (see docs/limits.md).
 * When Redis is down or slower than the timeout, a per-instance {@link LocalLimiter} decides
 * (fail open) or requests are refused with 503 (fail closed), until a probe finds Redis again.
 */
public final class RedisLimiter implements Limiter, AutoCloseable {

    private static final LuaScript ADMIT = LuaScript.resource("admit.lua");
    private static final LuaScript SETTLE = LuaScript.resource("settle.lua");
    private static final LuaScript RELEASE = LuaScript.resource("release.lua");
    private static final LuaScript RENEW = LuaScript.resource("renew.lua");
    private static final LuaScript INIT = LuaScript.resource("init_budget.lua");
    private static final int ATTEMPTS = 3;
    private static final int RENEW_BATCH = 512;
    private static final long INIT_REMEMBERED_MS = 10_000;

    private final Vertx vertx;
    private final Redis redis;
    private final RedisLimiterOptions options;
    private final Function<BudgetScope, CompletionStage<Long>> spentLoader;
    private final LocalLimiter local;
    private final RedisHealth health;
    private final long timeoutMs;
    private final long lateTimeoutMs;
    private final String leaseTtl;
    private final String idleTtl;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();
    private final Set<RedisTicket> held = ConcurrentHashMap.newKeySet();
    private final Map<String, Future<Void>> initializing = new ConcurrentHashMap<>();
    /** Spend Redis has not seen (settled by the fallback, or a settle that failed): replayed when it answers. */
    private final Map<String, LongAdder> unseenSpend = new ConcurrentHashMap<>();
    private final LongAdder fallbackDecisions = new LongAdder();
    private final long renewTimer;

    public RedisLimiter(Vertx vertx, Redis redis, RedisLimiterOptions options, Function<BudgetScope, CompletionStage<Long>> spentLoader) {
        this.vertx = vertx;
        this.redis = redis;
        this.options = options;
        this.spentLoader = spentLoader;
        this.timeoutMs = Math.max(1, options.timeout().toMillis());
        this.lateTimeoutMs = Math.max(1000, 10 * timeoutMs);
        this.leaseTtl = Long.toString(options.leaseTtl().toMillis());
        this.idleTtl = Long.toString(options.budgetIdleTtl().toMillis());
        LongSupplier localClock = options.clock() != null ? options.clock() : System::currentTimeMillis;
        this.local = new LocalLimiter(localClock, spentLoader, (b, cost) -> unseen(budgetKey(b), cost));
        this.health = new RedisHealth(vertx, redis, timeoutMs, options.probeEvery().toMillis(), options.failOpen(), this::redisBack);
        this.renewTimer = vertx.setPeriodic(Math.max(1000, options.leaseTtl().toMillis() / 3), id -> renewLeases());
    }

    @Override
    public Future<Decision> admit(List<LimitScope> scopes, long estTokens, List<BudgetScope> budgets, long estCostNanos) {
        if (Limiter.nothingToCheck(scopes, budgets)) {
            return Decision.UNLIMITED_FUTURE;
        }
        List<LimitScope> limits = Verdicts.limited(scopes);
        long est = Math.max(0, estTokens);
        long cost = Math.max(0, estCostNanos);
        if (!health.up()) {
            return fallback(limits, est, budgets, cost);
        }
        return viaRedis(limits, est, budgets, cost, 1).recover(error -> {
            health.failed(error);
            return fallback(limits, est, budgets, cost);
        });
    }

    /** False while Redis is unreachable and limits are per instance (or refused): for a metric and health checks. */
    public boolean redisAvailable() {
        return health.up();
    }

    /** How many times Redis was lost since start. */
    public long outages() {
        return health.outages();
    }

    /** Admissions decided without Redis (by per-instance limits, or refused when fail-closed). */
    public long fallbackDecisions() {
        return fallbackDecisions.sum();
    }

    private Future<Decision> fallback(List<LimitScope> limits, long est, List<BudgetScope> budgets, long cost) {
        fallbackDecisions.increment();
        if (!options.failOpen()) {
            return Future.succeededFuture(Decision.unavailable(
                    "Rate limits cannot be checked right now (shared state is unreachable); try again shortly"));
        }
        return local.admit(limits, est, budgets, cost).map(Decision::asFallback);
    }

    private Future<Decision> viaRedis(List<LimitScope> limits, long est, List<BudgetScope> budgets, long cost, int attempt) {
        String lease = instance + ':' + Long.toString(sequence.incrementAndGet(), 36);
        int n = limits.size();
        List<String> keys = new ArrayList<>(2 * (n + budgets.size()));
        List<String> args = new ArrayList<>(8 + 3 * n + 2 * budgets.size());
        args.add(now());
        args.add(lease);
        args.add(leaseTtl);
        args.add(idleTtl);
        args.add(Long.toString(est));
        args.add(Integer.toString(n));
        for (LimitScope s : limits) {
            keys.add(options.keyPrefix() + "w:" + s.id());
            keys.add(options.keyPrefix() + "p:" + s.id());
            args.add(orNone(s.rpm()));
            args.add(orNone(s.tpm()));
            args.add(s.maxParallel() == null ? "-1" : s.maxParallel().toString());
        }
        args.add(Integer.toString(budgets.size()));
        for (BudgetScope b : budgets) {
            String h = budgetKey(b);
            keys.add(h);
            keys.add(h + ":l");
            args.add(Long.toString(b.maxNanos()));
            args.add(Long.toString(cost));
        }
        Future<Response> sent = ADMIT.run(redis, keys, args);
        return sent.timeout(timeoutMs, TimeUnit.MILLISECONDS).transform(ar -> {
            if (ar.failed()) {
                // It may still run after we gave up: then give back what it took at once.
                sent.onSuccess(late -> undo(late, lease, limits, keys, est, budgets, cost));
                return Future.failedFuture(ar.cause());
            }
            Response r = ar.result();
            int status = r.get(0).toInteger();
            if (status != 3) {
                return Future.succeededFuture(decision(r, status, lease, limits, keys, est, budgets, cost));
            }
            if (attempt >= ATTEMPTS) {
                return Future.succeededFuture(Verdicts.budgetUnavailable(budgets.get(r.get(1).toInteger() - 1)));
            }
            return initBudgets(r, budgets, attempt).transform(init -> {
                if (init.succeeded()) {
                    return viaRedis(limits, est, budgets, cost, attempt + 1);
                }
                if (init.cause() instanceof SpendUnknown unknown) {
                    return Future.succeededFuture(Verdicts.budgetUnavailable(unknown.scope));
                }
                return Future.failedFuture(init.cause());
            });
        });
    }

    private Decision decision(Response r, int status, String lease, List<LimitScope> limits, List<String> keys, long est,
                              List<BudgetScope> budgets, long cost) {
        int n = limits.size();
        ScopeReading[] readings = new ScopeReading[n];
        for (int i = 0; i < n; i++) {
            int at = 2 + 6 * i;
            readings[i] = new ScopeReading(limits.get(i), r.get(at).toLong(), r.get(at + 1).toLong(), r.get(at + 2).toLong(),
                    r.get(at + 3).toLong(), r.get(at + 4).toLong(), r.get(at + 5).toLong());
        }
        if (status == 2) {
            for (int j = 0; j < budgets.size(); j++) {
                if (r.get(2 + 6 * n + j).toInteger() == 1) {
                    return Verdicts.budgetRefused(budgets.get(j), readings);
                }
            }
        }
        if (status != 1) {
            return Verdicts.rateRefused(readings, est);
        }
        List<String> tokenWindows = new ArrayList<>(0);
        List<String> parallelKeys = new ArrayList<>(0);
        for (int i = 0; i < n; i++) {
            if (limits.get(i).tpm() != null) {
                tokenWindows.add(keys.get(2 * i));
            }
            if (limits.get(i).maxParallel() != null) {
                parallelKeys.add(keys.get(2 * i + 1));
            }
        }
        List<String> budgetKeys = keys.subList(2 * n, keys.size());
        RedisTicket ticket = new RedisTicket(this, lease, r.get(1).toLong(), est, tokenWindows, parallelKeys, budgetKeys,
                cost > 0 && !budgets.isEmpty());
        if (ticket.holdsLeases()) {
            held.add(ticket);
        }
        return Verdicts.allowed(readings, ticket, est, cost);
    }

    private void undo(Response late, String lease, List<LimitScope> limits, List<String> keys, long est, List<BudgetScope> budgets, long cost) {
        if (late.get(0).toInteger() == 1) {
            Decision d = decision(late, 1, lease, limits, keys, est, budgets, cost);
            d.settle(0, 0);
            d.release();
        }
    }

    /**
     * Creates the missing budget counters, loading each one's spend once per instance. A finished
     * load is remembered for a while: an admission that ran before it finished may still come back
     * "missing", and should just try again, not load again. A second "missing" loads again (Redis
     * lost the counter).
     */
    private Future<Void> initBudgets(Response missing, List<BudgetScope> budgets, int attempt) {
        List<Future<Void>> inits = new ArrayList<>();
        for (int k = 1; k < missing.size(); k++) {
            BudgetScope b = budgets.get(missing.get(k).toInteger() - 1);
            String h = budgetKey(b);
            Promise<Void> mine = Promise.promise();
            Future<Void> chosen = initializing.compute(h, (key, current) ->
                    current != null && (!current.isComplete() || (attempt == 1 && current.succeeded())) ? current : mine.future());
            if (chosen == mine.future()) {
                initBudget(b, h).onComplete(ar -> {
                    if (ar.succeeded()) {
                        vertx.setTimer(INIT_REMEMBERED_MS, id -> initializing.remove(h, mine.future()));
                    } else {
                        initializing.remove(h, mine.future()); // the next request tries the database again
                    }
                    mine.handle(ar);
                });
            }
            inits.add(chosen);
        }
        return Future.all(inits).mapEmpty();
    }

    /** Loads the period's spend from the database and creates the counter with it, unless another instance was first (HSETNX). */
    private Future<Void> initBudget(BudgetScope b, String key) {
        CompletionStage<Long> stage;
        try {
            stage = spentLoader.apply(b);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        Context context = Vertx.currentContext();
        Future<Long> spent = context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
        return spent.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(new SpendUnknown(b, ar.cause()));
            }
            long value = ar.result() == null ? 0 : ar.result();
            return INIT.run(redis, List.of(key), List.of(idleTtl, Long.toString(value))).timeout(timeoutMs, TimeUnit.MILLISECONDS).mapEmpty();
        });
    }

    void settle(RedisTicket t, long actualTokens, long actualCost) {
        boolean correctTokens = actualTokens != t.estTokens && !t.tokenWindows.isEmpty();
        if (!t.holdsLeases()) {
            held.remove(t);
        }
        if (!correctTokens && t.budgetKeys.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(t.budgetKeys.size() + (correctTokens ? t.tokenWindows.size() : 0));
        if (correctTokens) {
            keys.addAll(t.tokenWindows);
        }
        keys.addAll(t.budgetKeys);
        List<String> args = new ArrayList<>(5 + t.budgetKeys.size() / 2);
        args.add(Long.toString(t.second));
        args.add(Long.toString(actualTokens - t.estTokens));
        args.add(Integer.toString(correctTokens ? t.tokenWindows.size() : 0));
        args.add(t.lease);
        args.add(idleTtl);
        for (int k = 0; k < t.budgetKeys.size(); k += 2) {
            args.add(Long.toString(actualCost));
        }
        SETTLE.run(redis, keys, args).timeout(lateTimeoutMs, TimeUnit.MILLISECONDS).onFailure(e -> {
            for (int k = 0; k < t.budgetKeys.size(); k += 2) {
                unseen(t.budgetKeys.get(k), actualCost); // the reservation lease expires by itself
            }
        });
    }

    void release(RedisTicket t) {
        held.remove(t);
        if (!t.parallelKeys.isEmpty()) {
            // If this fails, the slot's lease is no longer renewed and expires by itself.
            RELEASE.run(redis, t.parallelKeys, List.of(t.lease)).timeout(lateTimeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Extends the leases of the requests this instance runs; a timer calls it every third of the lease time. */
    Future<Void> renewLeases() {
        if (!health.up()) {
            return Future.succeededFuture();
        }
        replayUnseenSpend();
        List<Future<Response>> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (RedisTicket t : held) {
            if (!t.holdsLeases()) {
                held.remove(t);
                continue;
            }
            if (!t.released) {
                for (String k : t.parallelKeys) {
                    keys.add(k);
                    args.add(t.lease);
                }
            }
            if (!t.settled && t.reservesBudget) {
                for (int k = 1; k < t.budgetKeys.size(); k += 2) {
                    keys.add(t.budgetKeys.get(k));
                    args.add(t.lease);
                }
            }
            if (keys.size() >= RENEW_BATCH) {
                calls.add(renew(keys, args));
                keys = new ArrayList<>();
                args = new ArrayList<>();
            }
        }
        if (!keys.isEmpty()) {
            calls.add(renew(keys, args));
        }
        return Future.all(calls).mapEmpty();
    }

    private Future<Response> renew(List<String> keys, List<String> members) {
        List<String> args = new ArrayList<>(members.size() + 2);
        args.add(leaseTtl);
        args.add(now());
        args.addAll(members);
        return RENEW.run(redis, keys, args).timeout(lateTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private void redisBack() {
        local.forgetBudgets(); // what they counted is replayed below; Redis holds the shared total again
        replayUnseenSpend();
    }

    private void unseen(String budgetKey, long cost) {
        if (cost > 0) {
            unseenSpend.computeIfAbsent(budgetKey, k -> new LongAdder()).add(cost);
        }
    }

    private void replayUnseenSpend() {
        for (Map.Entry<String, LongAdder> e : unseenSpend.entrySet()) {
            long amount = e.getValue().sumThenReset();
            if (amount == 0) {
                continue;
            }
            String h = e.getKey();
            SETTLE.run(redis, List.of(h, h + ":l"), List.of("0", "0", "0", "-", idleTtl, Long.toString(amount)))
                    .timeout(lateTimeoutMs, TimeUnit.MILLISECONDS)
                    .onFailure(err -> unseen(h, amount));
        }
    }

    private String budgetKey(BudgetScope b) {
        return options.keyPrefix() + "b:" + b.id() + ":" + b.periodId();
    }

    private String now() {
        LongSupplier clock = options.clock();
        return clock == null ? "-1" : Long.toString(clock.getAsLong());
    }

    private static String orNone(Long limit) {
        return limit == null ? "-1" : limit.toString();
    }

    /** Stops renewing leases and probing; the Redis client belongs to the caller. */
    @Override
    public void close() {
        vertx.cancelTimer(renewTimer);
        health.close();
    }

    private static final class SpendUnknown extends RuntimeException {
        private final BudgetScope scope;

        SpendUnknown(BudgetScope scope, Throwable cause) {
            super("spend of " + scope.id() + " could not be loaded", cause, false, false);
            this.scope = scope;
        }
    }
}
