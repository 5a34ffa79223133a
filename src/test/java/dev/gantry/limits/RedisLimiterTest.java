package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two Gantry instances (two Vert.x instances, two Redis clients) sharing limits through one real redis-server. */
class RedisLimiterTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String P = RedisLimiterOptions.DEFAULT_PREFIX;
    private static RedisServer server;

    private final AtomicLong clock = new AtomicLong(T0);
    private final AtomicInteger loads = new AtomicInteger();
    private final List<Runnable> cleanup = new ArrayList<>();
    private RedisLimiter a;
    private RedisLimiter b;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void twoInstances() throws Exception {
        server.call("FLUSHALL");
        RedisLimiterOptions options = RedisLimiterOptions.defaults().withTimeout(Duration.ofSeconds(5)).withClock(clock::get);
        a = instance(options);
        b = instance(options);
    }

    RedisLimiter instance(RedisLimiterOptions options) {
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, RedisLimiterOptions.clientOptions(server.url()));
        RedisLimiter limiter = new RedisLimiter(vertx, client, options, scope -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(0L);
        });
        cleanup.add(() -> {
            limiter.close();
            client.close();
            Await.result(vertx.close());
        });
        return limiter;
    }

    @AfterEach
    void close() {
        cleanup.forEach(Runnable::run);
    }

    private static Decision admit(Limiter l, List<LimitScope> scopes, long tokens) {
        return Await.result(l.admit(scopes, tokens, List.of(), 0));
    }

    @Test
    void twoInstancesShareOneRpmLimitExactly() {
        List<LimitScope> team = List.of(new LimitScope("team:shared", 50L, null, null));
        List<Future<Decision>> attempts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            attempts.add((i % 2 == 0 ? a : b).admit(team, 0, List.of(), 0));
        }
        List<Decision> decisions = attempts.stream().map(Await::result).toList();
        assertThat(decisions.stream().filter(Decision::allowed).count()).isEqualTo(50);
        assertThat(decisions).allMatch(d -> !d.viaFallback());
        Decision refused = decisions.stream().filter(d -> !d.allowed()).findFirst().orElseThrow();
        assertThat(refused.refusal()).isEqualTo(Refusal.RATE);
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-requests", "0").containsEntry("Retry-After", "60");
    }

    @Test
    void theWindowRollsOverSecondBySecond() {
        List<LimitScope> key = List.of(new LimitScope("key:roll", 3L, null, null));
        assertThat(admit(a, key, 0).allowed()).isTrue();
        clock.set(T0 + 20_000);
        assertThat(admit(b, key, 0).allowed()).isTrue();
        Decision third = admit(a, key, 0);
        assertThat(third.requests()).isEqualTo(new RateInfo(3, 0, 40_000));
        Decision refused = admit(b, key, 0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(40);
        clock.set(T0 + 60_000);
        assertThat(admit(b, key, 0).allowed()).as("the first request left the window").isTrue();
        assertThat(admit(a, key, 0).allowed()).isFalse();
    }

    @Test
    void tokensAreReservedAndSettledAcrossInstances() throws Exception {
        List<LimitScope> key = List.of(new LimitScope("key:tok", null, 1000L, null));
        Decision first = admit(a, key, 600);
        assertThat(first.tokens()).isEqualTo(new RateInfo(1000, 400, 60_000));
        assertThat(admit(b, key, 600).allowed()).isFalse();
        a.settle(first, 100, 0);
        Await.until("the settle reached Redis", Duration.ofSeconds(5), () -> admit(b, key, 0).tokens().remaining() == 900);
        Decision second = admit(b, key, 600);
        assertThat(second.allowed()).isTrue();
        assertThat(second.tokens().remaining()).isEqualTo(300);
    }

    @Test
    void aRequestIsCountedInEveryScopeAndBudgetOrInNone() throws Exception {
        LimitScope key = new LimitScope("key:k", 2L, null, 5);
        LimitScope team = new LimitScope("team:t", 1L, null, null);
        assertThat(admit(a, List.of(key, team), 0).allowed()).isTrue();
        Decision refused = admit(b, List.of(key, team), 0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.message()).contains("team:t");
        BudgetScope empty = new BudgetScope("user:u", "p", 0);
        Decision broke = Await.result(b.admit(List.of(key), 0, List.of(empty), 10));
        assertThat(broke.refusal()).isEqualTo(Refusal.BUDGET);
        assertThat(server.call("ZCARD", P + "p:key:k")).as("only the first request holds a slot").isEqualTo(1L);
        assertThat(admit(b, List.of(key), 0).allowed()).as("neither refusal counted against the key").isTrue();
        assertThat(admit(a, List.of(key), 0).allowed()).isFalse();
    }

    @Test
    void parallelSlotsAreSharedAndReleasedOnceEvenWhenReleasedTwice() throws Exception {
        List<LimitScope> key = List.of(new LimitScope("key:par", null, null, 2));
        Decision d1 = admit(a, key, 0);
        Decision d2 = admit(b, key, 0);
        assertThat(d1.allowed() && d2.allowed()).isTrue();
        assertThat(admit(a, key, 0).message()).contains("2 requests in parallel");
        a.release(d1);
        a.release(d1);
        Await.until("the release reached Redis", Duration.ofSeconds(5), () -> zcard(P + "p:key:par") == 1);
        assertThat(admit(b, key, 0).allowed()).isTrue();
        assertThat(admit(a, key, 0).allowed()).as("one slot was given back, not two").isFalse();
    }

    @Test
    void theSlotsOfADeadInstanceExpireWhileALiveInstanceKeepsItsOwn() {
        List<LimitScope> key = List.of(new LimitScope("key:lease", null, null, 2));
        Decision alive = admit(a, key, 0);
        Decision ofTheDead = admit(b, key, 0);
        assertThat(alive.allowed() && ofTheDead.allowed()).isTrue();
        b.close(); // b dies: it never releases, and no longer renews its leases

        clock.set(T0 + 20_000);
        Await.result(a.renewLeases()); // a's timer would do this every 10 s
        clock.set(T0 + 29_000);
        assertThat(admit(a, key, 0).allowed()).as("both leases are still valid").isFalse();
        clock.set(T0 + 30_001);
        Decision next = admit(a, key, 0);
        assertThat(next.allowed()).as("b's lease expired 30 s after it was taken").isTrue();
        assertThat(admit(a, key, 0).allowed()).as("a's own renewed lease still holds its slot").isFalse();
    }

    @Test
    void theBudgetReservationsOfADeadInstanceAreGivenBackWhenTheirLeaseExpires() {
        BudgetScope budget = new BudgetScope("team:lease", "p", 1000);
        assertThat(Await.result(b.admit(List.of(), 0, List.of(budget), 1000)).allowed()).isTrue();
        b.close(); // dies holding a reservation of the whole budget
        assertThat(Await.result(a.admit(List.of(), 0, List.of(budget), 10)).refusal()).isEqualTo(Refusal.BUDGET);
        clock.set(T0 + 30_001);
        Decision d = Await.result(a.admit(List.of(), 0, List.of(budget), 10));
        assertThat(d.allowed()).as("the dead instance's reservation was reclaimed").isTrue();
        assertThat(hget(P + "b:team:lease:p", "reserved")).isEqualTo("10");
    }

    @Test
    void aHundredParallelAdmissionsOvershootANearlySpentBudgetByAtMostOneEstimate() throws Exception {
        long est = 1_000_000; // nano-dollars: $0.001
        BudgetScope budget = new BudgetScope("team:race", "2026-11", 3 * est + est / 2);
        List<Future<Decision>> attempts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            attempts.add((i % 2 == 0 ? a : b).admit(List.of(), 0, List.of(budget), est));
        }
        List<Decision> admitted = attempts.stream().map(Await::result).filter(Decision::allowed).toList();
        assertThat(admitted).hasSize(4);
        assertThat(loads.get()).as("the spend was loaded from the database at most once per instance").isBetween(1, 2);

        long[] real = {est * 9 / 10, est * 12 / 10, est, est * 11 / 10};
        for (int i = 0; i < admitted.size(); i++) {
            (i % 2 == 0 ? a : b).settle(admitted.get(i), 0, real[i]);
        }
        String h = P + "b:team:race:2026-11";
        Await.until("all settles reached Redis", Duration.ofSeconds(5), () -> "0".equals(hget(h, "reserved")));
        long spent = Long.parseLong(hget(h, "spent"));
        assertThat(spent).isEqualTo(real[0] + real[1] + real[2] + real[3]);
        long overshoot = spent - budget.maxNanos();
        System.out.printf("budget race: 100 admissions, %d admitted, overshoot after settling %d nano-dollars = %.2f estimates%n",
                admitted.size(), overshoot, overshoot / (double) est);
        assertThat(overshoot).isLessThanOrEqualTo(est * 12 / 10); // one request's real cost
        assertThat(Await.result(a.admit(List.of(), 0, List.of(budget), est)).refusal()).isEqualTo(Refusal.BUDGET);
    }

    @Test
    void aBudgetCounterStartsFromTheDatabaseAndTheFirstInstanceToCreateItWins() throws Exception {
        RedisLimiterOptions options = RedisLimiterOptions.defaults().withTimeout(Duration.ofSeconds(5)).withClock(clock::get);
        CompletableFuture<Long> slowRead = new CompletableFuture<>();
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, RedisLimiterOptions.clientOptions(server.url()));
        RedisLimiter c = new RedisLimiter(vertx, client, options, scope -> slowRead);
        cleanup.add(() -> {
            c.close();
            client.close();
            Await.result(vertx.close());
        });
        BudgetScope budget = new BudgetScope("key:db", "p7", 1000);
        Future<Decision> waiting = c.admit(List.of(), 0, List.of(budget), 100);
        assertThat(Await.result(a.admit(List.of(), 0, List.of(budget), 100)).allowed()).as("a read 0 spent").isTrue();
        slowRead.complete(990L); // c's read came later and saw another value: the counter a created stands
        assertThat(Await.result(waiting).allowed()).as("0 spent + 100 reserved < 1000").isTrue();
        assertThat(hget(P + "b:key:db:p7", "spent")).isEqualTo("0");
        assertThat(hget(P + "b:key:db:p7", "reserved")).isEqualTo("200");

        BudgetScope nextPeriod = new BudgetScope("key:db", "p8", 1000);
        int before = loads.get();
        assertThat(Await.result(b.admit(List.of(), 0, List.of(nextPeriod), 100)).allowed()).isTrue();
        assertThat(loads.get()).as("a new period is loaded again").isEqualTo(before + 1);
    }

    @Test
    void aBudgetCounterRedisLostIsLoadedAgainFromTheDatabase() throws Exception {
        BudgetScope budget = new BudgetScope("key:lost", "p", 1000);
        assertThat(Await.result(a.admit(List.of(), 0, List.of(budget), 100)).allowed()).isTrue();
        assertThat(loads).hasValue(1);
        server.call("DEL", P + "b:key:lost:p");
        assertThat(Await.result(a.admit(List.of(), 0, List.of(budget), 100)).allowed()).isTrue();
        assertThat(loads).hasValue(2);
        assertThat(hget(P + "b:key:lost:p", "reserved")).isEqualTo("100");
    }

    @Test
    void scriptsAreLoadedAgainWhenRedisForgotThem() throws Exception {
        List<LimitScope> key = List.of(new LimitScope("key:noscript", 2L, null, null));
        assertThat(admit(a, key, 0).allowed()).isTrue();
        server.call("SCRIPT", "FLUSH");
        assertThat(admit(a, key, 0).allowed()).isTrue();
        assertThat(admit(b, key, 0).allowed()).isFalse();
        assertThat(a.redisAvailable()).isTrue();
    }

    @Test
    void keysExpireSoRedisDoesNotGrow() throws Exception {
        Decision d = Await.result(a.admit(List.of(new LimitScope("key:ttl", 5L, 100L, 1)), 10,
                List.of(new BudgetScope("key:ttl", "p", 1000)), 5));
        assertThat(d.allowed()).isTrue();
        assertThat((Long) server.call("PTTL", P + "w:key:ttl")).isBetween(1L, 61_000L);
        assertThat((Long) server.call("PTTL", P + "p:key:ttl")).isBetween(1L, 31_000L);
        assertThat((Long) server.call("PTTL", P + "b:key:ttl:p")).isBetween(1L, 3_600_000L);
        assertThat((Long) server.call("PTTL", P + "b:key:ttl:p:l")).isBetween(1L, 3_600_000L);
    }

    @Test
    void noLimitsNeverTouchRedis() throws Exception {
        Future<Decision> f = a.admit(List.of(new LimitScope("key:free", null, null, null)), 10, List.of(), 0);
        assertThat(f.isComplete()).isTrue();
        assertThat(f.result().allowed()).isTrue();
        assertThat((Long) server.call("DBSIZE")).isZero();
    }

    private static long zcard(String key) {
        try {
            return (Long) server.call("ZCARD", key);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String hget(String key, String field) {
        try {
            return (String) server.call("HGET", key, field);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
