package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.ErrorKind;
import dev.gantry.testing.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis down or slow: per-instance limits (fail open) or 503 (fail closed), flagged, and back to Redis when it answers. */
class RedisOutageTest {

    private static final String P = RedisLimiterOptions.DEFAULT_PREFIX;
    private static final RedisLimiterOptions OPTIONS = RedisLimiterOptions.defaults()
            .withTimeout(Duration.ofMillis(300)).withProbeEvery(Duration.ofMillis(50));

    private RedisServer server;
    private Vertx vertx;
    private Redis client;
    private RedisLimiter limiter;

    @BeforeEach
    void start() throws Exception {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, RedisLimiterOptions.clientOptions(server.url()));
    }

    private RedisLimiter limiter(RedisLimiterOptions options) {
        limiter = new RedisLimiter(vertx, client, options, scope -> CompletableFuture.completedFuture(0L));
        return limiter;
    }

    @AfterEach
    void stop() {
        if (limiter != null) {
            limiter.close();
        }
        client.close();
        Await.result(vertx.close());
        server.close();
    }

    private static Decision admit(Limiter l, List<LimitScope> scopes) {
        return Await.result(l.admit(scopes, 0, List.of(), 0));
    }

    @Test
    void whenRedisDiesFailOpenFallsBackToPerInstanceLimitsAndReturnsToRedisWhenItIsBack() throws Exception {
        RedisLimiter l = limiter(OPTIONS);
        List<LimitScope> key = List.of(new LimitScope("key:k", 2L, null, null));
        assertThat(admit(l, key).viaFallback()).isFalse();
        server.stop();

        Decision first = admit(l, key);
        assertThat(first.allowed()).isTrue();
        assertThat(first.viaFallback()).isTrue();
        assertThat(l.redisAvailable()).isFalse();
        assertThat(admit(l, key).allowed()).as("the local window counts from zero: 2 of 2").isTrue();
        Decision third = admit(l, key);
        assertThat(third.allowed()).as("per-instance limits still apply").isFalse();
        assertThat(third.viaFallback()).isTrue();
        assertThat(l.outages()).as("one outage, however many requests saw it").isEqualTo(1);
        assertThat(l.fallbackDecisions()).isEqualTo(3);

        server.restart(); // empty, and without the scripts
        Await.until("the probe found Redis again", Duration.ofSeconds(10), l::redisAvailable);
        Decision back = admit(l, key);
        assertThat(back.viaFallback()).isFalse();
        assertThat(back.allowed()).isTrue();
        assertThat(server.call("HGETALL", P + "w:key:k")).as("counted in Redis again").asList().hasSize(2);
        assertThat(l.outages()).isEqualTo(1);
    }

    @Test
    void failClosedRefusesWith503WhileRedisIsDown() throws Exception {
        RedisLimiter l = limiter(OPTIONS.withFailOpen(false));
        List<LimitScope> key = List.of(new LimitScope("key:k", 100L, null, null));
        server.stop();
        Decision d = admit(l, key);
        assertThat(d.allowed()).isFalse();
        assertThat(d.refusal()).isEqualTo(Refusal.UNAVAILABLE);
        assertThat(d.error().kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(d.headers()).containsEntry("Retry-After", "1");
        assertThat(l.redisAvailable()).isFalse();

        server.restart();
        Await.until("the probe found Redis again", Duration.ofSeconds(10), l::redisAvailable);
        assertThat(admit(l, key).allowed()).isTrue();
    }

    @Test
    void aSlowRedisCountsAsDownAfterTheTimeoutAndALateAdmissionIsGivenBack() throws Exception {
        RedisLimiter l = limiter(OPTIONS);
        BudgetScope budget = new BudgetScope("team:slow", "p", 1_000_000);
        List<LimitScope> key = List.of(new LimitScope("key:slow", 100L, null, 1));
        Decision before = Await.result(l.admit(key, 0, List.of(budget), 10));
        assertThat(before.allowed() && !before.viaFallback()).isTrue();
        l.settle(before, 0, 1000);
        l.release(before);
        Await.until("the first request settled", Duration.ofSeconds(5), () -> "1000".equals(call("HGET", P + "b:team:slow:p", "spent")));

        server.call("CLIENT", "PAUSE", "2000", "ALL");
        long start = System.nanoTime();
        Decision slow = Await.result(l.admit(key, 0, List.of(budget), 10));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(slow.allowed()).isTrue();
        assertThat(slow.viaFallback()).isTrue();
        assertThat(tookMs).as("waited about the timeout, not the pause").isLessThan(1500);
        l.settle(slow, 0, 500); // spent while Redis was away
        l.release(slow);

        Await.until("Redis answers again", Duration.ofSeconds(10), l::redisAvailable);
        Await.until("the fallback spend was replayed", Duration.ofSeconds(5), () -> "1500".equals(call("HGET", P + "b:team:slow:p", "spent")));
        Await.until("the admission that ran after the timeout was counted, then gave its slot back", Duration.ofSeconds(5),
                () -> requestsCounted(P + "w:key:slow") == 2 && Long.valueOf(0).equals(call("ZCARD", P + "p:key:slow")));
        assertThat(call("HGET", P + "b:team:slow:p", "reserved")).isEqualTo("0");
        Decision after = Await.result(l.admit(key, 0, List.of(budget), 10));
        assertThat(after.allowed() && !after.viaFallback()).isTrue();
    }

    private long requestsCounted(String windowKey) {
        List<?> flat = (List<?>) call("HGETALL", windowKey);
        long sum = 0;
        for (int i = 0; i < flat.size(); i += 2) {
            if (((String) flat.get(i)).startsWith("r")) {
                sum += Long.parseLong((String) flat.get(i + 1));
            }
        }
        return sum;
    }

    private Object call(String... args) {
        try {
            return server.call(args);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
