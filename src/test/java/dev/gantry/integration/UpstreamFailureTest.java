package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the client sees when the upstream fails before, or in the middle of, its answer. */
@Timeout(120)
class UpstreamFailureTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String HEALTHY = "qwen3:0.6b";

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL, HEALTHY);
        int dead = Api.freePort();
        gantry = RunningGantry.start("""
                routing: { first_byte_timeout: 500ms }
                limits: { drain_timeout: 1s }
                models:
                  - name: ghost
                    deployments:
                      - provider: ollama
                        base_url: %s
                        model: ghost:7b
                  - name: unreachable
                    deployments:
                      - provider: ollama
                        base_url: http://127.0.0.1:%d
                        model: whatever
                """.formatted(ollama.baseUrl(), dead), ollama.baseUrl());
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (ollama != null) {
            ollama.close();
        }
    }

    @BeforeEach
    void clean() {
        ollama.reset();
    }

    @AfterEach
    void theServerKeepsServing() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(HEALTHY, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + HEALTHY + "!");
    }

    @Test
    void aModelTheUpstreamDoesNotHaveIsA404ModelNotFound() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("ghost", false));

        JsonNode error = Api.assertOpenAiError(r, 404);
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(ollama.lastChat().body().path("model").asText()).isEqualTo("ghost:7b");
    }

    @Test
    void anUpstream500IsA502UpstreamError() {
        ollama.behaviour(MODEL).failWith(500, "{\"error\":\"llama runner process has terminated\"}");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, false));

        JsonNode error = Api.assertOpenAiError(r, 502);
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void anUpstream500BeforeAStreamStartsIsAPlainJson502NotAnSseStream() {
        ollama.behaviour(MODEL).failWith(500, "{\"error\":\"boom\"}");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        Api.assertOpenAiError(r, 502);
    }

    @Test
    void aRefusedConnectionIsA502() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("unreachable", false));

        JsonNode error = Api.assertOpenAiError(r, 502);
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void anUpstreamThatSendsNoHeadersWithinTheFirstByteTimeoutIsA504() {
        ollama.behaviour(MODEL).hangBeforeHeaders();

        long started = System.nanoTime();
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        JsonNode error = Api.assertOpenAiError(r, 504);
        assertThat(error.path("type").asText()).isEqualTo("timeout");
        assertThat(tookMs).isBetween(400L, 5_000L);
    }

    @Test
    void aConnectionResetMidStreamEndsTheSseStreamWithAnInBandErrorAndNoDone() {
        ollama.behaviour(MODEL).resetAfterChunks(2);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        assertBrokenStream(r, "Hello from");
    }

    @Test
    void anInBandOllamaErrorLineEndsTheSseStreamWithAnInBandErrorAndNoDone() {
        ollama.behaviour(MODEL).inBandErrorAfterChunks(2, "an error was encountered while running the model");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        assertBrokenStream(r, "Hello from");
    }

    @Test
    void aConnectionResetBeforeANonStreamedReplyIsCompleteIsA502() {
        ollama.behaviour(MODEL).resetAfterChunks(2);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, false));

        Api.assertOpenAiError(r, 502);
    }

    private static void assertBrokenStream(HttpResponse<String> r, String textBeforeBreak) {
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Api.sseData(r.body());
        assertThat(data).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo(textBeforeBreak);
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("error").isObject()).as("last event is an error: %s", last).isTrue();
        assertThat(last.path("error").path("message").asText()).isNotBlank();
        assertThat(last.path("error").has("type")).isTrue();
        assertThat(chunks).noneSatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText("")).isEqualTo("stop"));
    }
}
