package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A configured {@code provider: openai} deployment: Gantry relays the OpenAI wire format, rewriting only what it must. */
@Timeout(120)
class OpenAiPassThroughTest {

    private static final String PUBLIC = "gpt-fast";
    private static final String UPSTREAM = "upstream-gpt-4o-mini";
    private static final String UPSTREAM_KEY = "sk-upstream-configured-key-987654321";

    private static FakeOpenAi openai;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeOpenAi.start(UPSTREAM);
        openai.requireApiKey(UPSTREAM_KEY);
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: %s
                    deployments:
                      - provider: openai
                        base_url: %s
                        model: %s
                        api_key: %s
                """.formatted(PUBLIC, openai.baseUrl(), UPSTREAM, UPSTREAM_KEY), "http://127.0.0.1:1");
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (openai != null) {
            openai.close();
        }
    }

    @BeforeEach
    void clean() {
        openai.reset();
    }

    @Test
    void aNonStreamedCompletionIsRelayed() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Api.json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + UPSTREAM + "!");
        assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeOpenAi.PROMPT_TOKENS);
    }

    @Test
    void aNonStreamedCompletionWithoutUsageIsStillRelayed() {
        openai.behaviour(UPSTREAM).omitUsage();

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Api.json(r);
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + UPSTREAM + "!");
        assertThat(body.has("usage")).isFalse();
    }

    @Test
    void aNonStreamedAnswerThatIsNotJsonIsAnUpstreamError() {
        openai.behaviour(UPSTREAM).failWith(200, "<html>proxy error</html>");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(Api.json(r).path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void theModelIsRewrittenToTheUpstreamIdAndTheRestOfTheBodyIsKept() {
        ObjectNode body = Api.chat(PUBLIC, false);
        body.put("temperature", 0.2).put("user", "alice").put("logit_bias_custom_field", "kept");

        api.post("/v1/chat/completions", body);

        JsonNode sent = openai.lastChat().body();
        assertThat(sent.path("model").asText()).isEqualTo(UPSTREAM);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("user").asText()).isEqualTo("alice");
        assertThat(sent.path("logit_bias_custom_field").asText()).isEqualTo("kept");
        assertThat(sent.path("messages")).isEqualTo(body.path("messages"));
    }

    @Test
    void theUpstreamGetsTheConfiguredKeyAndNeverTheClientsGatewayKey() {
        api.post("/v1/chat/completions", Api.chat(PUBLIC, false));
        api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        List<Recorded> chats = openai.chatRequests();
        assertThat(chats).hasSize(2);
        for (Recorded rec : chats) {
            assertThat(rec.header("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
            for (Map.Entry<String, String> h : rec.headers()) {
                assertThat(h.getValue()).as("header %s", h.getKey()).doesNotContain(RunningGantry.MASTER_KEY);
            }
            assertThat(rec.body().toString()).doesNotContain(RunningGantry.MASTER_KEY);
        }
    }

    @Test
    void aStreamIsRelayedAndTheUsageChunkGantryAskedForIsDroppedWhenTheClientDidNot() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(openai.lastChat().body().path("stream_options").path("include_usage").asBoolean())
                .as("Gantry always asks the upstream for usage").isTrue();
        List<String> data = Api.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from " + UPSTREAM + "!");
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("choices").size()).isEqualTo(1));
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamKeepsTheUsageChunkWhenTheClientAskedForIt() {
        ObjectNode body = Api.chat(PUBLIC, true);
        body.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        List<String> data = Api.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode usage = Api.json(data.get(data.size() - 2));
        assertThat(usage.path("choices").size()).isZero();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeOpenAi.PROMPT_TOKENS);
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void streamedToolCallDeltasAreRelayedUnchanged() {
        openai.behaviour(UPSTREAM).toolCall("call_upstream_1", "get_weather", "{\"city\":\"Oslo\"}");
        ObjectNode body = Api.chat(PUBLIC, true);
        body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("delta").path("tool_calls").path(0)
                .path("id").asText()).isEqualTo("call_upstream_1"));
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void theConfiguredModelIsListedUnderItsPublicName() {
        HttpResponse<String> r = api.get("/v1/models");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.json(r).path("data").findValuesAsText("id")).contains(PUBLIC).doesNotContain(UPSTREAM);
        assertThat(api.get("/v1/models/" + PUBLIC).statusCode()).isEqualTo(200);
    }

    @Test
    void anInBandUpstreamErrorMidStreamReachesTheClientAsAnErrorEventWithoutDone() {
        openai.behaviour(UPSTREAM).inBandErrorAfterChunks(2, "The server had an error while processing your request.");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.sseData(r.body())).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello");
        assertThat(chunks.get(chunks.size() - 1).path("error").isObject()).isTrue();
        assertThat(chunks).noneSatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText("")).isEqualTo("stop"));
    }

    @Test
    void aConnectionResetMidStreamReachesTheClientAsAnErrorEventWithoutDone() {
        openai.behaviour(UPSTREAM).resetAfterChunks(3);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.sseData(r.body())).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from");
        assertThat(chunks.get(chunks.size() - 1).path("error").isObject()).isTrue();
    }

    @Test
    void anUpstreamErrorStatusBeforeTheStreamIsAJsonError() {
        openai.behaviour(UPSTREAM).failWith(500,
                "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        JsonNode error = Api.assertOpenAiError(r, 502);
        assertThat(error.path("message").asText()).contains("The server had an error");
    }
}
