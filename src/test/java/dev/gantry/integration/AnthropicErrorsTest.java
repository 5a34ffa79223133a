package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.integration.AnthropicWire.Event;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every failure an Anthropic client can meet, in Anthropic's error shape with the status DESIGN.md section 7 gives it. */
@Timeout(120)
class AnthropicErrorsTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String GPT = "gpt-fast";
    private static final String GPT_UPSTREAM = "upstream-gpt";
    private static final String PATH = "/v1/messages";

    private static FakeOllama ollama;
    private static FakeOpenAi openai;
    private static RunningGantry gantry;
    private static AnthropicWire wire;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        openai = FakeOpenAi.start(GPT_UPSTREAM);
        gantry = RunningGantry.start("""
                limits: { max_body: 4KiB, drain_timeout: 1s }
                models:
                  - name: %s
                    deployments:
                      - provider: openai
                        base_url: %s
                        model: %s
                """.formatted(GPT, openai.baseUrl(), GPT_UPSTREAM), ollama.baseUrl());
        wire = new AnthropicWire(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (openai != null) {
            openai.close();
        }
        if (ollama != null) {
            ollama.close();
        }
    }

    @BeforeEach
    void clean() {
        ollama.reset();
        openai.reset();
    }

    @AfterEach
    void theSurfaceKeepsServing() {
        HttpResponse<String> r = wire.post(PATH, AnthropicWire.message(MODEL, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aMissingMaxTokensIsA400AndNothingReachesTheUpstream() {
        ObjectNode body = AnthropicWire.message(MODEL, false);
        body.remove("max_tokens");

        JsonNode error = AnthropicWire.assertError(wire.post(PATH, body), 400, "invalid_request_error");

        assertThat(error.path("message").asText()).contains("max_tokens");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void malformedJsonIsA400() {
        JsonNode error = AnthropicWire.assertError(wire.post(PATH, "{\"model\": \"x\", "), 400, "invalid_request_error");

        assertThat(error.path("message").asText()).contains("not valid JSON");
    }

    @Test
    void wrongTypesAreA400NamingTheField() {
        ObjectNode stringMessages = AnthropicWire.message(MODEL, false).put("messages", "hello");
        ObjectNode stringTemperature = AnthropicWire.message(MODEL, false).put("temperature", "hot");
        ObjectNode hotTemperature = AnthropicWire.message(MODEL, false).put("temperature", 1.5);
        ObjectNode stringMaxTokens = AnthropicWire.message(MODEL, false).put("max_tokens", "many");
        ObjectNode systemRole = AnthropicWire.message(MODEL, false);
        ((ObjectNode) systemRole.path("messages").get(0)).put("role", "system");
        ObjectNode badBlock = AnthropicWire.message(MODEL, false);
        ((ObjectNode) badBlock.path("messages").get(0)).putArray("content").addObject().put("type", "text").put("text", 5);
        ObjectNode noSchema = AnthropicWire.message(MODEL, false);
        noSchema.putArray("tools").addObject().put("name", "f");

        assertThat(AnthropicWire.assertError(wire.post(PATH, stringMessages), 400, "invalid_request_error").path("message").asText())
                .contains("'messages' must be an array");
        assertThat(AnthropicWire.assertError(wire.post(PATH, stringTemperature), 400, "invalid_request_error").path("message").asText())
                .contains("'temperature' must be a number");
        assertThat(AnthropicWire.assertError(wire.post(PATH, hotTemperature), 400, "invalid_request_error").path("message").asText())
                .contains("'temperature' must be between 0 and 1");
        assertThat(AnthropicWire.assertError(wire.post(PATH, stringMaxTokens), 400, "invalid_request_error").path("message").asText())
                .contains("'max_tokens' must be an integer");
        assertThat(AnthropicWire.assertError(wire.post(PATH, systemRole), 400, "invalid_request_error").path("message").asText())
                .contains("messages[0].role").contains("top-level 'system'");
        assertThat(AnthropicWire.assertError(wire.post(PATH, badBlock), 400, "invalid_request_error").path("message").asText())
                .contains("messages[0].content[0].text");
        assertThat(AnthropicWire.assertError(wire.post(PATH, noSchema), 400, "invalid_request_error").path("message").asText())
                .contains("tools[0].input_schema");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void anUnknownModelIsA404NotFoundError() {
        AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message("claude-nonexistent", false)), 404, "not_found_error");
    }

    @Test
    void aWrongKeyIsA401AuthenticationErrorInEitherHeader() {
        AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message(MODEL, false), Map.of("x-api-key", "sk-wrong")),
                401, "authentication_error");
        AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message(MODEL, false), Map.of("authorization", "Bearer sk-wrong")),
                401, "authentication_error");
        JsonNode missing = AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message(MODEL, false), Map.of()),
                401, "authentication_error");
        assertThat(missing.path("message").asText()).contains("x-api-key");
        AnthropicWire.assertError(wire.post("/v1/messages/count_tokens", AnthropicWire.message(MODEL, false), Map.of()),
                401, "authentication_error");
    }

    @Test
    void aBodyOverTheLimitIsA413RequestTooLarge() {
        ObjectNode body = AnthropicWire.message(MODEL, false);
        ((ObjectNode) body.path("messages").get(0)).put("content", "x".repeat(8 * 1024));

        HttpResponse<String> r = wire.post(PATH, body);

        AnthropicWire.assertError(r, 413, "request_too_large");
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void anUpstream429IsARateLimitErrorWithRetryAfter() {
        ollama.behaviour(MODEL).failWith(429, "{\"error\":\"too many requests\"}");

        HttpResponse<String> r = wire.post(PATH, AnthropicWire.message(MODEL, true));

        AnthropicWire.assertError(r, 429, "rate_limit_error");
        assertThat(r.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        ollama.reset();
    }

    @Test
    void anUpstream503IsAnOverloadedError() {
        openai.behaviour(GPT_UPSTREAM).failWith(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");

        HttpResponse<String> r = wire.post(PATH, AnthropicWire.message(GPT, false));

        AnthropicWire.assertError(r, 503, "overloaded_error");
        assertThat(r.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void anUpstream529IsAnOverloadedErrorToo() {
        openai.behaviour(GPT_UPSTREAM).failWith(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");

        AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message(GPT, true)), 503, "overloaded_error");
    }

    @Test
    void anUpstream500IsA502ApiError() {
        ollama.behaviour(MODEL).failWith(500, "{\"error\":\"llama runner process has terminated\"}");

        AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message(MODEL, false)), 502, "api_error");
        ollama.reset();
    }

    @Test
    void aStreamCutMidWayEndsWithAnErrorEventAndNoMessageStop() {
        ollama.behaviour(MODEL).resetAfterChunks(2);

        HttpResponse<String> r = wire.post(PATH, AnthropicWire.message(MODEL, true));

        assertBrokenStream(r);
        ollama.reset();
    }

    @Test
    void anInBandUpstreamErrorMidStreamEndsWithAnErrorEvent() {
        ollama.behaviour(MODEL).inBandErrorAfterChunks(2, "an error was encountered while running the model");

        HttpResponse<String> r = wire.post(PATH, AnthropicWire.message(MODEL, true));

        assertBrokenStream(r);
        ollama.reset();
    }

    @Test
    void aCutBeforeAWholeAnswerIsCompleteIsA502() {
        openai.behaviour(GPT_UPSTREAM).resetAfterChunks(2);

        AnthropicWire.assertError(wire.post(PATH, AnthropicWire.message(GPT, false)), 502, "api_error");
    }

    private static void assertBrokenStream(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        List<Event> events = AnthropicWire.events(r.body());
        assertThat(AnthropicWire.names(events)).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "error");
        assertThat(AnthropicWire.text(events)).isEqualTo("Hello from");
        JsonNode error = events.get(events.size() - 1).data();
        assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("error").path("message").asText()).isNotBlank();
    }
}
