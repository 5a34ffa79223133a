package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Routing against fake upstreams that fail in the ways real ones do: counts of where requests
 * went prove failover, cooldown, fallbacks, residency, first-byte timeouts, privacy and tags.
 */
@Timeout(120)
class RoutingTest {

    private static final String MODEL = "llama3.1:8b";

    private FakeOllama nodeA;
    private FakeOllama nodeB;
    private RunningGantry gantry;
    private Api api;

    @BeforeEach
    void fakes() throws Exception {
        nodeA = FakeOllama.start(MODEL);
        nodeB = FakeOllama.start(MODEL);
    }

    @AfterEach
    void stop() {
        if (gantry != null) {
            gantry.close();
        }
        nodeA.close();
        nodeB.close();
    }

    private void start(String yaml) throws Exception {
        gantry = RunningGantry.start(yaml, "http://127.0.0.1:" + Api.freePort());
        api = new Api(gantry);
    }

    /** A group "m" on both fake nodes, with extra text appended to each deployment and to the routing block. */
    private String twoNodes(String routing, String extraA, String extraB) {
        return """
                discovery: { enabled: false }
                routing: { %s }
                models:
                  - name: m
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s %s }
                      - { provider: ollama, base_url: %s, model: %s %s }
                """.formatted(routing, nodeA.baseUrl(), MODEL, extraA, nodeB.baseUrl(), MODEL, extraB);
    }

    private String idOf(FakeOllama node) {
        return "ollama@127.0.0.1:" + node.port() + "/" + MODEL;
    }

    @Test
    void everyRequestSucceedsWhileOneOfTwoDeploymentsFailsAndTheFailingOneCoolsDown() throws Exception {
        nodeB.behaviour(MODEL).failWith(500, "{\"error\":\"CUDA error: out of memory\"}");
        start(twoNodes("cooldown: { failures: 3, window: 60s, for: 60s }", "", ""));

        int ok = 0;
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("m", i % 2 == 0));
            if (r.statusCode() == 200) {
                ok++;
                assertThat(r.headers().firstValue("x-gantry-deployment")).hasValue(idOf(nodeA));
            }
        }

        System.out.printf("routing: failover: %d/60 succeeded, failing node saw %d, healthy node %d%n",
                ok, nodeB.chatRequests().size(), nodeA.chatRequests().size());
        assertThat(ok).as("requests that succeeded").isEqualTo(60);
        assertThat(nodeB.chatRequests()).as("requests the failing node saw (cooldown after 3 failures)").hasSizeBetween(1, 3);
        assertThat(nodeA.chatRequests()).hasSize(60);
        JsonNode health = Api.json(api.get("/health/ready"));
        JsonNode b = deployment(health, idOf(nodeB));
        assertThat(b.path("state").asText()).isEqualTo("cooling_down");
        assertThat(b.path("last_error").asText()).contains("CUDA error");
        assertThat(api.get("/metrics").body())
                .contains("gantry_deployment_healthy{deployment=\"" + idOf(nodeB) + "\",model=\"m\"} 0.0")
                .contains("gantry_deployment_healthy{deployment=\"" + idOf(nodeA) + "\",model=\"m\"} 1.0");
    }

    @Test
    void aFallbackGroupServesWhenThePrimaryIsDown() throws Exception {
        int dead = Api.freePort();
        start("""
                discovery: { enabled: false }
                routing: { retries: 1, fallbacks: { primary: [backup] } }
                models:
                  - name: primary
                    deployments:
                      - { provider: ollama, base_url: http://127.0.0.1:%d, model: %s }
                  - name: backup
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s }
                """.formatted(dead, MODEL, nodeA.baseUrl(), MODEL));

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("primary", true));

        System.out.printf("routing: primary down, fallback served: %d, attempts %s%n", r.statusCode(),
                r.headers().firstValue("x-gantry-attempts").orElse("?"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello from " + MODEL + "!");
        assertThat(r.headers().firstValue("x-gantry-deployment")).hasValue(idOf(nodeA));
        assertThat(r.headers().firstValue("x-gantry-attempts")).as("two on the dead node, one on the fallback").hasValue("3");
    }

    @Test
    void residencySendsMostRequestsToTheNodeWithTheModelLoaded() throws Exception {
        nodeA.setLoaded(MODEL);
        start("""
                discovery: { ollama: [%s, %s], interval: 200ms }
                routing: { strategy: residency }
                """.formatted(nodeA.baseUrl(), nodeB.baseUrl()));

        for (int i = 0; i < 50; i++) {
            assertThat(api.post("/v1/chat/completions", Api.chat(MODEL, false)).statusCode()).isEqualTo(200);
        }

        System.out.printf("routing: residency: %d of 50 to the node with the model loaded%n", nodeA.chatRequests().size());
        assertThat(nodeA.chatRequests().size()).as("requests to the node with the model loaded, of 50").isGreaterThanOrEqualTo(40);
        assertThat(nodeA.chatRequests().size() + nodeB.chatRequests().size()).isEqualTo(50);
    }

    @Test
    void residencySpillsToTheColdNodeWhenTheWarmOneIsBusy() throws Exception {
        nodeA.setLoaded(MODEL);
        nodeA.behaviour(MODEL).chunkDelay(Duration.ofMillis(300));
        nodeB.behaviour(MODEL).chunkDelay(Duration.ofMillis(300));
        start("""
                discovery: { ollama: [%s, %s], interval: 200ms }
                routing: { strategy: residency }
                """.formatted(nodeA.baseUrl(), nodeB.baseUrl()));

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                all.add(CompletableFuture.supplyAsync(() -> api.post("/v1/chat/completions", Api.chat(MODEL, true)), pool));
            }
            for (var f : all) {
                assertThat(f.join().statusCode()).isEqualTo(200);
            }
        }
        System.out.printf("routing: residency spill: 8 parallel streams, warm node %d, cold node %d%n",
                nodeA.chatRequests().size(), nodeB.chatRequests().size());
        assertThat(nodeA.chatRequests().size()).as("the warm node takes up to its parallelism").isGreaterThanOrEqualTo(4);
        assertThat(nodeB.chatRequests().size()).as("the cold node takes the overflow").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aNodeThatHangsBeforeHeadersIsAbandonedAfterTheFirstByteTimeout() throws Exception {
        nodeA.behaviour(MODEL).hangBeforeHeaders();
        // Weight 0 on B: A is always tried first, B only once A was tried.
        start(twoNodes("first_byte_timeout: 300ms", ", weight: 1", ", weight: 0"));

        long started = System.nanoTime();
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("m", false));
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf("routing: hung node abandoned, answer after %d ms (first_byte_timeout 300 ms)%n", millis);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gantry-deployment")).hasValue(idOf(nodeB));
        assertThat(r.headers().firstValue("x-gantry-attempts")).hasValue("2");
        assertThat(nodeA.chatRequests()).hasSize(1);
        assertThat(millis).as("abandoned after 300 ms, not after the 2 min default").isBetween(300L, 5_000L);
    }

    @Test
    void aStreamThatHangsAfterItsHeadersIsNotRetried() throws Exception {
        nodeA.behaviour(MODEL).hangAfterChunks(1);
        start(twoNodes("timeout: 1s", ", weight: 1", ", weight: 0"));

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("m", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"error\"").doesNotContain("[DONE]");
        assertThat(nodeA.chatRequests()).hasSize(1);
        assertThat(nodeB.chatRequests()).as("nothing is retried once bytes reached the client").isEmpty();
    }

    @Test
    void aPrivateRequestNeverReachesAPublicDeploymentEvenWhenEveryPrivateOneFails() throws Exception {
        nodeA.behaviour(MODEL).failWith(503, "{\"error\":\"server busy\"}");
        try (FakeOpenAi cloud = FakeOpenAi.start("gpt-4o")) {
            start("""
                    discovery: { enabled: false }
                    routing: { fallbacks: { m: [cloud] } }
                    models:
                      - name: m
                        deployments:
                          - { provider: ollama, base_url: %s, model: %s }
                          - { provider: openai, base_url: %s, model: gpt-4o, api_key: sk-up }
                      - name: cloud
                        deployments:
                          - { provider: openai, base_url: %s, model: gpt-4o, api_key: sk-up }
                    """.formatted(nodeA.baseUrl(), MODEL, cloud.baseUrl(), cloud.baseUrl()));

            HttpResponse<String> r = api.postWith("/v1/chat/completions", Api.chat("m", false), "x-gantry-private", "true");
            JsonNode error = Api.assertOpenAiError(r, 503);
            System.out.printf("routing: private request with every private deployment failing: %d, public deployment saw %d, private %d%n",
                    r.statusCode(), cloud.chatRequests().size(), nodeA.chatRequests().size());
            assertThat(error.path("message").asText()).contains("private").contains("server busy");
            assertThat(cloud.chatRequests()).as("requests that reached the public deployment").isEmpty();
            assertThat(nodeA.chatRequests()).as("1 + 2 retries on the only private deployment").hasSize(3);

            HttpResponse<String> onlyPublic = api.postWith("/v1/chat/completions", Api.chat("cloud", false), "x-gantry-private", "true");
            assertThat(Api.assertOpenAiError(onlyPublic, 400).path("code").asText()).isEqualTo("no_private_deployment");
            assertThat(cloud.chatRequests()).isEmpty();

            HttpResponse<String> notPrivate = api.post("/v1/chat/completions", Api.chat("m", false));
            assertThat(notPrivate.statusCode()).as("without the header the public deployment serves").isEqualTo(200);
            assertThat(cloud.chatRequests()).hasSize(1);
        }
    }

    @Test
    void anUpstream429IsFailedOverAndItsRetryAfterRestsTheDeployment() throws Exception {
        nodeA.behaviour(MODEL).failWith(429, "{\"error\":\"too many requests\"}").retryAfter("30");
        start(twoNodes("", ", weight: 1", ", weight: 0"));

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("m", false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(nodeA.chatRequests()).as("the rate-limited node is left alone for its Retry-After").hasSize(1);
        assertThat(nodeB.chatRequests()).hasSize(20);
    }

    @Test
    void aTransientFailureIsRetriedOnTheSameDeploymentWhenItIsTheOnlyOne() throws Exception {
        nodeA.behaviour(MODEL).failWith(502, "{\"error\":\"bad gateway\"}").onlyFirst(2);
        start("""
                discovery: { enabled: false }
                models:
                  - name: m
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s }
                """.formatted(nodeA.baseUrl(), MODEL));

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("m", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gantry-attempts")).hasValue("3");
        assertThat(nodeA.chatRequests()).hasSize(3);
    }

    @Test
    void aRequestErrorIsNotRetried() throws Exception {
        nodeA.behaviour(MODEL).failWith(400, "{\"error\":\"invalid option\"}");
        start(twoNodes("", ", weight: 1", ", weight: 0"));

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("m", false));

        Api.assertOpenAiError(r, 400);
        assertThat(nodeA.chatRequests().size() + nodeB.chatRequests().size()).isEqualTo(1);
    }

    @Test
    void requestsWaitInTheQueueWhenTheDeploymentIsFullAndAreRefusedWhenTheQueueTimesOut() throws Exception {
        nodeA.behaviour(MODEL).chunkDelay(Duration.ofMillis(150));
        start("""
                discovery: { enabled: false }
                routing: { queue: { max: 10, timeout: 5s } }
                models:
                  - name: m
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s, max_concurrency: 1 }
                  - name: impatient
                    strategy: least-busy
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s, max_concurrency: 1 }
                """.formatted(nodeA.baseUrl(), MODEL, nodeB.baseUrl(), MODEL));

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 3; i++) {
                all.add(CompletableFuture.supplyAsync(() -> api.post("/v1/chat/completions", Api.chat("m", true)), pool));
            }
            for (var f : all) {
                assertThat(f.join().statusCode()).as("queued requests are served in turn").isEqualTo(200);
            }
        }
        assertThat(maxOverlap(nodeA)).as("max_concurrency 1 holds").isEqualTo(1);
        assertThat(nodeA.chatRequests()).hasSize(3);
    }

    @Test
    void aFullDeploymentAnswers503WithRetryAfterOnceTheQueueTimeoutPasses() throws Exception {
        nodeA.behaviour(MODEL).chunkDelay(Duration.ofMillis(400));
        start("""
                discovery: { enabled: false }
                routing: { queue: { max: 10, timeout: 200ms } }
                models:
                  - name: m
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s, max_concurrency: 1 }
                """.formatted(nodeA.baseUrl(), MODEL));

        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var slow = CompletableFuture.supplyAsync(() -> api.post("/v1/chat/completions", Api.chat("m", true)), pool);
            Api.pollUntil(Duration.ofSeconds(5), "the first request holds the slot", () -> nodeA.chatRequests().size() == 1);
            HttpResponse<String> refused = api.post("/v1/chat/completions", Api.chat("m", false));
            JsonNode error = Api.assertOpenAiError(refused, 503);
            assertThat(error.path("message").asText()).contains("at its limits");
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
            assertThat(slow.join().statusCode()).isEqualTo(200);
        }
        assertThat(nodeA.chatRequests()).hasSize(1);
    }

    @Test
    void taggedRequestsGoOnlyToDeploymentsWithThoseTags() throws Exception {
        start(twoNodes("", ", tags: [eu]", ", tags: [us]"));

        for (int i = 0; i < 10; i++) {
            assertThat(api.postWith("/v1/chat/completions", Api.chat("m", false), "x-gantry-tags", "EU").statusCode()).isEqualTo(200);
        }
        ObjectNode viaMetadata = Api.chat("m", false);
        viaMetadata.putObject("metadata").putArray("tags").add("us");
        for (int i = 0; i < 10; i++) {
            assertThat(api.post("/v1/chat/completions", viaMetadata).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> none = api.postWith("/v1/chat/completions", Api.chat("m", false), "x-gantry-tags", "apac");

        assertThat(nodeA.chatRequests()).hasSize(10);
        assertThat(nodeB.chatRequests()).hasSize(10);
        assertThat(nodeB.lastChat().body().has("metadata")).as("routing tags are not sent upstream").isFalse();
        assertThat(Api.assertOpenAiError(none, 400).path("code").asText()).isEqualTo("no_matching_deployment");
    }

    @Test
    void aPromptTooLongForTheContextWindowGoesToTheContextWindowFallback() throws Exception {
        start("""
                discovery: { enabled: false }
                routing: { context_window_fallbacks: { small: [large] } }
                models:
                  - name: small
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s, context_window: 50 }
                  - name: large
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s, context_window: 100000 }
                """.formatted(nodeA.baseUrl(), MODEL, nodeB.baseUrl(), MODEL));
        ObjectNode longPrompt = Api.chat("small", false);
        ((ObjectNode) longPrompt.get("messages").get(0)).put("content", "word ".repeat(200));

        HttpResponse<String> r = api.post("/v1/chat/completions", longPrompt);
        HttpResponse<String> shortOne = api.post("/v1/chat/completions", Api.chat("small", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gantry-deployment")).hasValue(idOf(nodeB));
        assertThat(shortOne.headers().firstValue("x-gantry-deployment")).hasValue(idOf(nodeA));
        assertThat(nodeA.chatRequests()).as("the small model never saw the long prompt").hasSize(1);
    }

    @Test
    void anUpstreamThatSaysThePromptIsTooLongAlsoFallsBack() throws Exception {
        nodeA.behaviour(MODEL).failWith(400, "{\"error\":\"the input length exceeds the context length\"}");
        start("""
                discovery: { enabled: false }
                routing: { context_window_fallbacks: { small: [large] } }
                models:
                  - name: small
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s }
                  - name: large
                    deployments:
                      - { provider: ollama, base_url: %s, model: %s }
                """.formatted(nodeA.baseUrl(), MODEL, nodeB.baseUrl(), MODEL));

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("small", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(nodeA.chatRequests()).hasSize(1);
        assertThat(nodeB.chatRequests()).hasSize(1);
    }

    @Test
    void refusedContentGoesToTheContentPolicyFallback() throws Exception {
        try (FakeOpenAi cloud = FakeOpenAi.start("gpt-4o")) {
            cloud.behaviour("gpt-4o").failWith(400, """
                    {"error":{"message":"Your request was rejected as a result of our safety system.","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}""");
            start("""
                    discovery: { enabled: false }
                    routing: { content_policy_fallbacks: { strict: [local] } }
                    models:
                      - name: strict
                        deployments:
                          - { provider: openai, base_url: %s, model: gpt-4o, api_key: sk-up }
                      - name: local
                        deployments:
                          - { provider: ollama, base_url: %s, model: %s }
                    """.formatted(cloud.baseUrl(), nodeA.baseUrl(), MODEL));

            HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("strict", false));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(cloud.chatRequests()).as("refused content is not retried on the same model").hasSize(1);
            assertThat(nodeA.chatRequests()).hasSize(1);
        }
    }

    @Test
    void roundRobinAlternatesAndLeastBusyAvoidsTheBusyNode() throws Exception {
        start(twoNodes("strategy: round-robin", "", ""));
        for (int i = 0; i < 10; i++) {
            api.post("/v1/chat/completions", Api.chat("m", false));
        }
        assertThat(nodeA.chatRequests()).hasSize(5);
        assertThat(nodeB.chatRequests()).hasSize(5);
    }

    private static JsonNode deployment(JsonNode health, String id) {
        for (JsonNode d : health.path("deployments")) {
            if (d.path("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no deployment " + id + " in " + health);
    }

    /** The most requests the node was serving at the same moment. */
    private static int maxOverlap(FakeOllama node) {
        List<long[]> spans = new ArrayList<>();
        for (var rec : node.chatRequests()) {
            spans.add(new long[] {rec.receivedNanos(), rec.endNanos()});
        }
        int max = 0;
        for (long[] s : spans) {
            int overlap = 0;
            for (long[] o : spans) {
                if (o[0] <= s[0] && s[0] < o[1]) {
                    overlap++;
                }
            }
            max = Math.max(max, overlap);
        }
        return max;
    }
}
