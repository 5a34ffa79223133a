package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Policy;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.store.JdbcSpendStore;
import dev.gantry.testing.RedisServer;
import dev.gantry.testing.RunningGantry;
import dev.gantry.testing.TestKeys;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** Per-key rate limits and budgets on the request path, with in-memory state and with Redis. */
@Timeout(120)
class LimitsAndBudgetsTest {

    /** USD per 1M tokens for input and output alike: one token costs 1,000 nano-dollars. */
    private static final String PRICE = "{ input: 1, output: 1 }";
    private static final int OUTPUT_TOKENS = 20;

    private FakeOpenAi cloud;
    private RedisServer redis;
    private RunningGantry gantry;
    private Api api;

    @BeforeEach
    void fakes() throws Exception {
        cloud = FakeOpenAi.start("gpt-x");
        cloud.behaviour("gpt-x").manyTokens(OUTPUT_TOKENS);
    }

    @AfterEach
    void stop() throws Exception {
        if (gantry != null) {
            gantry.close();
        }
        if (redis != null) {
            redis.close();
        }
        cloud.close();
    }

    private void start(boolean withRedis) throws Exception {
        String redisBlock = "";
        if (withRedis) {
            redis = RedisServer.start();
            redisBlock = "redis: { url: \"" + redis.url() + "\" }\n";
        }
        gantry = RunningGantry.start(redisBlock + """
                discovery: { enabled: false }
                models:
                  - name: paid
                    deployments:
                      - { provider: openai, base_url: %s, model: gpt-x, api_key: sk-up, price: %s }
                """.formatted(cloud.baseUrl(), PRICE), "http://127.0.0.1:1");
        api = new Api(gantry);
    }

    private static ObjectNode request() {
        return Api.chat("paid", false).put("max_tokens", OUTPUT_TOKENS);
    }

    @ParameterizedTest(name = "redis={0}")
    @ValueSource(booleans = {false, true})
    void aKeyOverItsRpmGets429WithRetryAfterAndEveryAnswerCarriesTheRateHeaders(boolean withRedis) throws Exception {
        start(withRedis);
        String key = TestKeys.create(gantry.stores(), new Policy(null, 3L, null, null, null, null));

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = api.post("/v1/chat/completions", request(), key);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(Integer.toString(2 - i));
        }
        HttpResponse<String> refused = api.post("/v1/chat/completions", request(), key);

        JsonNode error = Api.assertOpenAiError(refused, 429);
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(cloud.chatRequests()).as("the refused request never went upstream").hasSize(3);
        assertThat(api.post("/v1/chat/completions", request(), RunningGantry.MASTER_KEY).statusCode())
                .as("the master key is never limited").isEqualTo(200);
    }

    @ParameterizedTest(name = "redis={0}")
    @ValueSource(booleans = {false, true})
    void parallelRequestsOverANearlySpentBudgetOvershootByAtMostOneEstimate(boolean withRedis) throws Exception {
        start(withRedis);
        cloud.behaviour("gpt-x").chunkDelay(Duration.ofMillis(20)); // the 100 requests overlap
        long estimate = (10 + OUTPUT_TOKENS) * 1_000L;              // PromptSize of "Say hello" is 10 tokens
        long budget = estimate * 7 / 2;                             // room for 3.5 estimates
        String key = TestKeys.create(gantry.stores(), new Policy(null, null, null, null, budget, null));

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                all.add(CompletableFuture.supplyAsync(() -> api.post("/v1/chat/completions", request(), key), pool));
            }
        }
        long admitted = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        long refused = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 402).count();
        gantry.spend().flush().get(10, TimeUnit.SECONDS);
        long spent = gantry.stores().spend().spentSince(JdbcSpendStore.GroupBy.KEY, TestKeys.id(gantry.stores(), key), 0);
        System.out.printf("budget race (redis=%s): %d admitted, %d refused with 402, spent %d of %d nano-USD, overshoot %.2f estimates%n",
                withRedis, admitted, refused, spent, budget, (spent - budget) / (double) estimate);

        if (withRedis) {
            assertThat(api.get("/metrics").body()).as("every admission was decided by Redis, none by the per-instance fallback")
                    .contains("gantry_limits_fallback_decisions_total 0.0");
        }
        assertThat(admitted + refused).isEqualTo(100);
        assertThat(admitted).as("requests admitted against room for 3.5 estimates").isBetween(3L, 4L);
        assertThat(spent - budget).as("overshoot in nano-USD, at most one estimate").isLessThanOrEqualTo(estimate);

        HttpResponse<String> after = api.post("/v1/chat/completions", request(), key);
        JsonNode error = Api.assertOpenAiError(after, 402);
        assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error.path("type").asText()).isEqualTo("budget_exceeded");
    }

    @ParameterizedTest(name = "redis={0}")
    @ValueSource(booleans = {false, true})
    void maxParallelHoldsWhileAnswersStream(boolean withRedis) throws Exception {
        start(withRedis);
        cloud.behaviour("gpt-x").chunkDelay(Duration.ofMillis(30));
        String key = TestKeys.create(gantry.stores(), new Policy(null, null, null, 2, null, null));

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                all.add(CompletableFuture.supplyAsync(() -> api.post("/v1/chat/completions", Api.chat("paid", true), key), pool));
            }
        }
        long ok = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        long limited = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 429).count();
        assertThat(ok + limited).isEqualTo(6);
        assertThat(ok).as("at most 2 at once; the rest refused while they ran").isBetween(2L, 5L);
        assertThat(limited).isPositive();
        // A slot is given back as the response ends; with Redis that is one round trip later.
        Api.pollUntil(Duration.ofSeconds(2), "slots are given back when streams end",
                () -> api.post("/v1/chat/completions", Api.chat("paid", true), key).statusCode() == 200);
    }
}
