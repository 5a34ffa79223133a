package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Models come and go with what Ollama lists; an Ollama that is not there yet is not fatal. */
@Timeout(120)
class DiscoveryTest {

    private static final String CONFIG = "discovery: { interval: 200ms }\nlimits: { drain_timeout: 1s }\n";

    private static List<String> modelIds(Api api) {
        HttpResponse<String> r = api.get("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        return Api.json(r).path("data").findValuesAsText("id");
    }

    @Test
    void aModelAddedToOllamaAppearsAndIsServableAndARemovedOneDisappears() throws Exception {
        try (FakeOllama ollama = FakeOllama.start("alpha");
             RunningGantry gantry = RunningGantry.start(CONFIG, ollama.baseUrl())) {
            Api api = new Api(gantry);
            assertThat(modelIds(api)).containsExactly("alpha:latest");
            assertThat(api.post("/v1/chat/completions", Api.chat("beta:7b", false)).statusCode()).isEqualTo(404);

            ollama.setModels("alpha", "beta:7b");
            Api.pollUntil(Duration.ofSeconds(5), "beta:7b is listed", () -> modelIds(api).contains("beta:7b"));

            HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("beta:7b", false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from beta:7b!");
            assertThat(api.get("/v1/models/beta:7b").statusCode()).isEqualTo(200);
            assertThat(Api.json(api.get("/v1/models/beta:7b")).path("owned_by").asText()).isEqualTo("ollama");

            ollama.setModels("alpha");
            Api.pollUntil(Duration.ofSeconds(5), "beta:7b is gone", () -> !modelIds(api).contains("beta:7b"));
            assertThat(modelIds(api)).containsExactly("alpha:latest");
            Api.assertOpenAiError(api.post("/v1/chat/completions", Api.chat("beta:7b", false)), 404);
        }
    }

    @Test
    void aModelWithoutATagIsServedAsLatest() throws Exception {
        try (FakeOllama ollama = FakeOllama.start("alpha");
             RunningGantry gantry = RunningGantry.start(CONFIG, ollama.baseUrl())) {
            HttpResponse<String> r = new Api(gantry).post("/v1/chat/completions", Api.chat("alpha", false));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(ollama.lastChat().body().path("model").asText()).isEqualTo("alpha:latest");
        }
    }

    @Test
    void anUnreachableOllamaAtStartIsNotFatalAndBecomesReadyWhenItAppears() throws Exception {
        int port = Api.freePort();
        try (RunningGantry gantry = RunningGantry.start(CONFIG, "http://127.0.0.1:" + port)) {
            Api api = new Api(gantry);
            assertThat(api.get("/health/live", null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = api.get("/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode upstream = Api.json(ready).path("upstreams").path(0);
            assertThat(upstream.path("id").asText()).contains(String.valueOf(port));
            assertThat(upstream.path("reachable").asBoolean(true)).isFalse();
            assertThat(upstream.path("error").asText()).isNotBlank();
            assertThat(modelIds(api)).isEmpty();

            try (FakeOllama ollama = FakeOllama.startOnPort(port, "late:1b")) {
                Api.pollUntil(Duration.ofSeconds(5), "/health/ready is 200", () -> api.get("/health/ready", null).statusCode() == 200);
                JsonNode now = Api.json(api.get("/health/ready", null)).path("upstreams").path(0);
                assertThat(now.path("reachable").asBoolean()).isTrue();
                assertThat(now.path("models").asInt()).isEqualTo(1);
                Api.pollUntil(Duration.ofSeconds(5), "late:1b is listed", () -> modelIds(api).contains("late:1b"));
                HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("late:1b", false));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        }
    }
}
