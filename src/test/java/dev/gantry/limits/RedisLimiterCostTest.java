package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testing.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What one admission costs through Redis (a local redis-server, so mostly the round trip and the
 * script), measured with a quick sequential loop and printed; timings are not asserted.
 */
class RedisLimiterCostTest {

    private static final int ROUNDS = 2000;

    @Test
    void measuresTheRedisRoundTripPerAdmission() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            Vertx vertx = Vertx.vertx();
            Redis client = Redis.createClient(vertx, RedisLimiterOptions.clientOptions(server.url()));
            RedisLimiter redis = new RedisLimiter(vertx, client, RedisLimiterOptions.defaults().withTimeout(Duration.ofSeconds(5)),
                    b -> CompletableFuture.completedFuture(0L));
            LocalLimiter local = new LocalLimiter(b -> CompletableFuture.completedFuture(0L));
            try {
                List<LimitScope> one = List.of(new LimitScope("key:1", 1_000_000L, null, null));
                List<LimitScope> three = List.of(new LimitScope("key:1", 1_000_000L, 100_000_000L, 1000),
                        new LimitScope("team:1", 1_000_000L, 100_000_000L, null), new LimitScope("user:1", 1_000_000L, null, 1000));
                List<BudgetScope> budget = List.of(new BudgetScope("team:1", "p", Long.MAX_VALUE / 4));
                List<LimitScope> none = List.of(new LimitScope("key:free", null, null, null));

                for (int i = 0; i < ROUNDS / 4; i++) { // warm-up
                    Await.result(client.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING)));
                }
                long start = System.nanoTime();
                for (int i = 0; i < ROUNDS; i++) {
                    Await.result(client.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING)));
                }
                System.out.printf("admission cost, baseline: a bare PING round trip: %.1f us%n", (System.nanoTime() - start) / 1000.0 / ROUNDS);
                report("redis, 1 scope (rpm)", redis, one, List.of());
                report("redis, 3 scopes (rpm+tpm+parallel) + 1 budget", redis, three, budget);
                report("local, 3 scopes + 1 budget", local, three, budget);
                report("no limits at all", redis, none, List.of());
                assertThat(redis.fallbackDecisions()).isZero();
            } finally {
                redis.close();
                client.close();
                Await.result(vertx.close());
            }
        }
    }

    private static void report(String what, Limiter limiter, List<LimitScope> scopes, List<BudgetScope> budgets) {
        for (int i = 0; i < ROUNDS / 4; i++) { // warm-up
            run(limiter, scopes, budgets);
        }
        long start = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            run(limiter, scopes, budgets);
        }
        double micros = (System.nanoTime() - start) / 1000.0 / ROUNDS;
        System.out.printf("admission cost, %s: %.1f us per admission (sequential, %d rounds)%n", what, micros, ROUNDS);
    }

    private static void run(Limiter limiter, List<LimitScope> scopes, List<BudgetScope> budgets) {
        io.vertx.core.Future<Decision> f = limiter.admit(scopes, 100, budgets, 1000);
        Decision d = f.isComplete() ? f.result() : Await.result(f);
        assertThat(d.allowed()).isTrue();
        limiter.settle(d, 90, 900);
        limiter.release(d);
    }
}
