package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.auth.KeySecrets;
import dev.gantry.auth.Policy;
import dev.gantry.auth.VirtualKey;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.RunningGantry;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Virtual keys on the request path: who may call what, what it cost, and revocation. */
@Timeout(60)
class VirtualKeyAccessTest {

    private static final String LOCAL = "llama3.2:1b";

    private static FakeOpenAi cloud;
    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        cloud = FakeOpenAi.start("gpt-4o-mini");
        ollama = FakeOllama.start(LOCAL);
        gantry = RunningGantry.start("""
                models:
                  - name: priced
                    deployments:
                      - { provider: openai, base_url: %s, model: gpt-4o-mini, api_key: sk-upstream, price: { input: 1.5, output: 2.0 } }
                  - name: table-priced
                    deployments:
                      - { provider: openai, base_url: %s, model: gpt-4o-mini, api_key: sk-upstream }
                """.formatted(cloud.baseUrl(), cloud.baseUrl()), ollama.baseUrl());
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        gantry.close();
        cloud.close();
        ollama.close();
    }

    /** Creates a key straight in the store (the admin API has its own tests) and waits until Gantry knows it. */
    private static String newKey(List<String> models, Long expiresAt) throws Exception {
        String secret = KeySecrets.newSecret();
        long now = System.currentTimeMillis();
        VirtualKey key = new VirtualKey("key_" + now + "_" + secret.substring(12, 18), KeySecrets.hash(secret), KeySecrets.displayPrefix(secret),
                "test", null, null, new Policy(models, null, null, null, null, null), expiresAt, false, null, now, now, 0);
        gantry.stores().principals().insertKey(key, "test");
        gantry.stores().sync().poke();
        Api.pollUntil(Duration.ofSeconds(2), "the new key is known", () -> gantry.stores().directory().key(key.id()) != null);
        return secret;
    }

    @Test
    void aKeyListsAndCallsOnlyItsModels() throws Exception {
        String key = newKey(List.of("priced"), null);

        JsonNode models = Api.json(api.get("/v1/models", key));
        List<String> ids = new ArrayList<>();
        models.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).containsExactly("priced");

        HttpResponse<String> forbidden = api.post("/v1/chat/completions", Api.chat(LOCAL, false), key);
        JsonNode error = Api.assertOpenAiError(forbidden, 403);
        assertThat(error.path("code").asText()).isEqualTo("model_not_allowed");
        assertThat(ollama.chatRequests()).isEmpty();

        assertThat(api.post("/v1/chat/completions", Api.chat("priced", false), key).statusCode()).isEqualTo(200);
        assertThat(cloud.lastChat().header("authorization")).as("the provider key goes upstream, never the client's")
                .isEqualTo("Bearer sk-upstream");
    }

    @Test
    void theCostHeaderMatchesThePriceAndTheStoredSpend() throws Exception {
        String key = newKey(null, null);
        gantry.spend().flush().get(10, java.util.concurrent.TimeUnit.SECONDS);
        long before = gantry.stores().spend().totalNanos();

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("priced", false), key);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode usage = Api.json(r).path("usage");
        long prompt = usage.path("prompt_tokens").asLong();
        long completion = usage.path("completion_tokens").asLong();
        BigDecimal expected = BigDecimal.valueOf(prompt).multiply(new BigDecimal("1.5"))
                .add(BigDecimal.valueOf(completion).multiply(new BigDecimal("2.0"))).movePointLeft(6);
        String header = r.headers().firstValue("x-gantry-cost").orElseThrow();
        assertThat(new BigDecimal(header)).isEqualByComparingTo(expected);
        long nanos = new BigDecimal(header).movePointRight(9).longValueExact();
        gantry.spend().flush().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(gantry.stores().spend().totalNanos()).as("stored spend equals the header").isEqualTo(before + nanos);

        HttpResponse<String> selfHosted = api.post("/v1/chat/completions", Api.chat("table-priced", false), key);
        assertThat(selfHosted.headers().firstValue("x-gantry-cost"))
                .as("an OpenAI-compatible server that is not OpenAI's is our own hardware: free unless priced").hasValue("0.000000000");

        HttpResponse<String> local = api.post("/v1/chat/completions", Api.chat(LOCAL, false), key);
        assertThat(local.headers().firstValue("x-gantry-cost")).as("local models cost nothing unless priced").hasValue("0.000000000");
    }

    @Test
    void revokedAndExpiredKeysAreRefused() throws Exception {
        String expired = newKey(null, System.currentTimeMillis() - 1000);
        assertThat(Api.assertOpenAiError(api.get("/v1/models", expired), 401).path("message").asText()).contains("expired");

        String key = newKey(null, null);
        assertThat(api.get("/v1/models", key).statusCode()).isEqualTo(200);
        VirtualKey stored = gantry.stores().directory().keyByHash(KeySecrets.hash(key));
        VirtualKey revoked = new VirtualKey(stored.id(), stored.hash(), stored.prefix(), stored.name(), null, null, stored.policy(), null,
                true, null, stored.createdAt(), System.currentTimeMillis(), stored.revision());
        gantry.stores().principals().updateKey(revoked, stored.revision(), "test", "revoke");
        long started = System.nanoTime();
        Api.pollUntil(Duration.ofSeconds(1), "the revoked key is refused", () -> api.get("/v1/models", key).statusCode() == 401);
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms until refused, by polling alone").isLessThan(1000);

        assertThat(api.get("/v1/models", "sk-gantry-" + "x".repeat(40)).statusCode()).isEqualTo(401);
    }
}
