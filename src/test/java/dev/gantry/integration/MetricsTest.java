package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /metrics tells an operator what was served: requests by route/model/status, tokens, overhead, in-flight. */
@Timeout(60)
class MetricsTest {

    private static final String MODEL = "llama3.2:1b";

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
        api = new Api(gantry);
        Api.pollUntil(java.time.Duration.ofSeconds(10), "the model is discovered",
                () -> api.get("/v1/models").body().contains(MODEL));
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

    @Test
    void aServedChatShowsUpAsARequestItsTokensAndGatewayOverhead() {
        assertThat(api.post("/v1/chat/completions", Api.chat(MODEL, false)).statusCode()).isEqualTo(200);
        assertThat(api.post("/v1/chat/completions", Api.chat(MODEL, true)).statusCode()).isEqualTo(200);

        HttpResponse<String> scrape = api.get("/metrics", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        String text = scrape.body();
        assertThat(text).contains("gantry_requests_total{model=\"" + MODEL + "\",route=\"chat\",status=\"200\"} 2.0");
        // The fake reports prompt_eval_count 12 and four tokens per answer.
        assertThat(text).contains("gantry_tokens_total{kind=\"input\",model=\"" + MODEL + "\"} 24.0");
        assertThat(text).contains("gantry_tokens_total{kind=\"output\",model=\"" + MODEL + "\"} 8.0");
        assertThat(text).containsPattern("gantry_gateway_overhead_seconds_count [1-9]");
        assertThat(text).contains("gantry_requests_in_flight 0.0");
    }

    @Test
    void anUnknownModelNeverBecomesAMetricLabel() {
        assertThat(api.post("/v1/chat/completions", Api.chat("made-up-model-123", false)).statusCode()).isEqualTo(404);

        assertThat(api.get("/metrics", null).body()).doesNotContain("made-up-model-123");
    }
}
