package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeAnthropic;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OpenAI clients talking to a configured {@code provider: anthropic} deployment: Gantry translates both ways. */
@Timeout(120)
class AnthropicProviderTest {

    private static final String PUBLIC = "claude";
    private static final String CAPPED = "claude-capped";
    private static final String UPSTREAM = "claude-x";
    private static final String KEY = "sk-ant-test";
    private static final int INPUT = FakeAnthropic.INPUT_TOKENS + FakeAnthropic.CACHE_READ_TOKENS;

    private static FakeAnthropic anthropic;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        anthropic = FakeAnthropic.start(UPSTREAM);
        anthropic.requireApiKey(KEY);
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: %1$s
                    deployments:
                      - provider: anthropic
                        base_url: %2$s
                        model: %3$s
                        api_key: %4$s
                  - name: %5$s
                    deployments:
                      - provider: anthropic
                        base_url: %2$s
                        model: %3$s
                        api_key: %4$s
                        max_tokens: 777
                """.formatted(PUBLIC, anthropic.baseUrl(), UPSTREAM, KEY, CAPPED), "http://127.0.0.1:1");
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    @BeforeEach
    void clean() {
        anthropic.reset();
    }

    private static ObjectNode weatherTools(ObjectNode body) {
        ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", "get_weather").put("description", "Current weather");
        fn.putObject("parameters").put("type", "object").putObject("properties").putObject("city").put("type", "string");
        return body;
    }

    private static String lastData(String sse) {
        List<String> data = Api.sseData(sse);
        return data.get(data.size() - 1);
    }

    @Test
    void aNonStreamedAnswerBecomesAChatCompletionWithUsage() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Api.json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo(PUBLIC);
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello from " + UPSTREAM + "!");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(INPUT);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(INPUT + 4);
    }

    @Test
    void theUpstreamGetsTheProviderKeyTheApiVersionAndAMessagesBody() {
        ObjectNode request = Api.JSON.createObjectNode().put("model", PUBLIC).put("temperature", 1.7).put("seed", 7).put("user", "u-1");
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Be brief.");
        messages.addObject().put("role", "user").put("content", "Hi");
        messages.addObject().put("role", "developer").put("content", "Use metric units.");
        messages.addObject().put("role", "user").put("content", "Weather?");
        request.putArray("stop").add("\n\nHuman:");

        HttpResponse<String> r = api.post("/v1/chat/completions", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Recorded up = anthropic.lastMessages();
        assertThat(up.path()).isEqualTo("/v1/messages");
        assertThat(up.header("x-api-key")).isEqualTo(KEY);
        assertThat(up.header("authorization")).isNull(); // the gateway key never travels upstream
        assertThat(up.headers().toString()).doesNotContain(RunningGantry.MASTER_KEY);
        assertThat(up.header("anthropic-version")).isEqualTo(FakeAnthropic.VERSION);
        JsonNode sent = up.body();
        assertThat(sent.path("model").asText()).isEqualTo(UPSTREAM);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("system").asText()).isEqualTo("Be brief.\n\nUse metric units.");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(sent.path("stop_sequences").get(0).asText()).isEqualTo("\n\nHuman:");
        assertThat(sent.has("seed") || sent.has("user") || sent.has("stop")).isFalse();
        JsonNode turns = sent.path("messages");
        assertThat(turns).hasSize(1); // two user messages around a hoisted system message are one turn
        assertThat(turns.get(0).path("content").findValuesAsText("text")).containsExactly("Hi", "Weather?");
    }

    @Test
    void aStreamedAnswerArrivesAsOpenAiChunksEndingWithUsageAndDone() {
        ObjectNode request = Api.chat(PUBLIC, true);
        request.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> r = api.post("/v1/chat/completions", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from " + UPSTREAM + "!");
        assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(chunks).filteredOn(c -> c.path("choices").path(0).path("finish_reason").isTextual())
                .singleElement().satisfies(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop"));
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(INPUT);
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(lastData(r.body())).isEqualTo("[DONE]");
    }

    @Test
    void theDeploymentsMaxTokensAppliesWhenTheClientSetsNone() {
        assertThat(api.post("/v1/chat/completions", Api.chat(CAPPED, false)).statusCode()).isEqualTo(200);
        assertThat(anthropic.lastMessages().body().path("max_tokens").asInt()).isEqualTo(777);

        ObjectNode request = Api.chat(CAPPED, false).put("max_tokens", 2);
        HttpResponse<String> r = api.post("/v1/chat/completions", request);

        assertThat(anthropic.lastMessages().body().path("max_tokens").asInt()).isEqualTo(2);
        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello from");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void aStopSequenceIsSentAsStopSequencesAndEndsTheAnswerAsStop() {
        ObjectNode request = Api.chat(PUBLIC, false);
        request.putArray("stop").add("!");

        JsonNode choice = Api.json(api.post("/v1/chat/completions", request)).path("choices").path(0);

        assertThat(anthropic.lastMessages().body().path("stop_sequences").get(0).asText()).isEqualTo("!");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello from " + UPSTREAM);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aToolCallComesBackAsAnOpenAiToolCall() throws Exception {
        HttpResponse<String> r = api.post("/v1/chat/completions", weatherTools(Api.chat(PUBLIC, false)).put("tool_choice", "required"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = anthropic.lastMessages().body();
        assertThat(sent.path("tools").get(0).path("input_schema").path("properties").has("city")).isTrue();
        assertThat(sent.path("tool_choice").path("type").asText()).isEqualTo("any");
        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").path(0);
        assertThat(call.path("id").asText()).startsWith("toolu_");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(Api.JSON.readTree(call.path("function").path("arguments").asText())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(Api.json(r).path("usage").path("completion_tokens").asInt()).isEqualTo(FakeAnthropic.TOOL_CALL_TOKENS);
    }

    @Test
    void streamedToolCallsArriveAsIndexedFragmentsAndANoArgumentCallGetsAnEmptyObject() {
        anthropic.behaviour(UPSTREAM).tokens("Let me check.")
                .toolCall("toolu_a", "get_weather", "{\"city\":\"Oslo\"}")
                .toolCall("toolu_b", "get_time", "{}");

        HttpResponse<String> r = api.post("/v1/chat/completions", weatherTools(Api.chat(PUBLIC, true)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Let me check.");
        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        String[] ids = new String[2];
        String[] names = new String[2];
        int fragments = 0;
        for (JsonNode c : chunks) {
            for (JsonNode call : c.path("choices").path(0).path("delta").path("tool_calls")) {
                int i = call.path("index").asInt();
                if (call.has("id")) {
                    assertThat(ids[i]).as("one start per call").isNull();
                    ids[i] = call.path("id").asText();
                    names[i] = call.path("function").path("name").asText();
                }
                args[i].append(call.path("function").path("arguments").asText(""));
                fragments++;
            }
        }
        assertThat(ids).containsExactly("toolu_a", "toolu_b");
        assertThat(names).containsExactly("get_weather", "get_time");
        assertThat(Api.json(args[0].toString())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(args[1].toString()).isEqualTo("{}");
        assertThat(fragments).as("arguments came in pieces").isGreaterThan(3);
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls"));
        assertThat(lastData(r.body())).isEqualTo("[DONE]");
    }

    @Test
    void aToolLoopIsSentAsToolUseAndOneUserTurnOfToolResults() {
        ObjectNode request = weatherTools(Api.JSON.createObjectNode().put("model", PUBLIC));
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Weather in Oslo and Bergen?");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        ArrayNode calls = assistant.putArray("tool_calls");
        calls.addObject().put("id", "call_1").put("type", "function").putObject("function")
                .put("name", "get_weather").put("arguments", "{\"city\":\"Oslo\"}");
        calls.addObject().put("id", "call_2").put("type", "function").putObject("function")
                .put("name", "get_weather").put("arguments", "{\"city\":\"Bergen\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "12C");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_2").put("content", "9C");
        request.put("tool_choice", "none");

        HttpResponse<String> r = api.post("/v1/chat/completions", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200); // the fake accepted the wire shape
        JsonNode turns = anthropic.lastMessages().body().path("messages");
        assertThat(turns.findValuesAsText("role")).containsExactly("user", "assistant", "user");
        assertThat(turns.get(1).path("content").findValuesAsText("id")).containsExactly("call_1", "call_2");
        assertThat(turns.get(1).path("content").get(1).path("input").path("city").asText()).isEqualTo("Bergen");
        assertThat(turns.get(2).path("content").findValuesAsText("tool_use_id")).containsExactly("call_1", "call_2");
        assertThat(turns.get(2).path("content").findValuesAsText("content")).containsExactly("12C", "9C");
        assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + UPSTREAM + "!");
    }

    @Test
    void anImageDataUrlIsSentAsABase64ImageBlock() {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        ObjectNode request = Api.JSON.createObjectNode().put("model", PUBLIC);
        ArrayNode content = request.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", "What is this?");
        content.addObject().put("type", "image_url").putObject("image_url").put("url", "data:image/png;base64," + png).put("detail", "high");

        HttpResponse<String> r = api.post("/v1/chat/completions", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode image = anthropic.lastMessages().body().path("messages").get(0).path("content").get(1);
        assertThat(image.path("type").asText()).isEqualTo("image");
        assertThat(image.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(image.path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(image.path("source").path("data").asText()).isEqualTo(png);
    }

    @Test
    void aJsonObjectAnswerIsAskedForAsAForcedToolAndReturnedAsText() {
        ObjectNode request = Api.chat(PUBLIC, true);
        request.putObject("response_format").put("type", "json_object");

        HttpResponse<String> r = api.post("/v1/chat/completions", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(anthropic.lastMessages().body().path("tool_choice").path("name").asText()).isEqualTo("json_response");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.json(Api.streamedText(chunks))).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(chunks).noneSatisfy(c -> assertThat(c.path("choices").path(0).path("delta").has("tool_calls")).isTrue());
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop"));
    }

    @Test
    void anUpstream429IsA429WithTheUpstreamsRetryAfter() {
        anthropic.behaviour(UPSTREAM).failWith(429, FakeAnthropic.errorBody(429, "Number of request tokens has exceeded your per-minute rate limit"))
                .retryAfter(7);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        JsonNode error = Api.assertOpenAiError(r, 429);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("per-minute rate limit");
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
    }

    @Test
    void anUpstream529OverloadedIsA503WithRetryAfter() {
        anthropic.behaviour(UPSTREAM).failWith(529, FakeAnthropic.errorBody(529, "Overloaded")).retryAfter(3);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, false));

        JsonNode error = Api.assertOpenAiError(r, 503);
        assertThat(error.path("type").asText()).isEqualTo("overloaded");
        assertThat(error.path("message").asText()).contains("Overloaded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("3");
    }

    @Test
    void upstreamRefusalsMapToTheDocumentedStatuses() {
        Object[][] table = {{400, 400, "invalid_request_error"}, {401, 502, "upstream_error"}, {403, 502, "upstream_error"},
            {500, 502, "upstream_error"}, {504, 504, "timeout"}};
        for (Object[] row : table) {
            anthropic.behaviour(UPSTREAM).failWith((Integer) row[0], FakeAnthropic.errorBody((Integer) row[0], "upstream said no " + row[0]));

            HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, false));

            JsonNode error = Api.assertOpenAiError(r, (Integer) row[1]);
            assertThat(error.path("type").asText()).as("upstream %s", row[0]).isEqualTo(row[2]);
            assertThat(error.path("message").asText()).doesNotContain(KEY);
            if ((Integer) row[0] == 400) {
                assertThat(error.path("message").asText()).contains("upstream said no 400"); // the client's own mistake is explained
            }
        }
    }

    @Test
    void aStreamCutMidWayEndsWithAnInBandErrorAndNoDone() {
        anthropic.behaviour(UPSTREAM).resetAfterChunks(4); // message_start, block start, ping, "Hello"

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello");
        assertThat(r.body()).doesNotContain("[DONE]");
        JsonNode error = Api.json(lastData(r.body())).path("error");
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void aStreamCutBeforeANonStreamedAnswerIsCompleteIsA502() {
        anthropic.behaviour(UPSTREAM).resetAfterChunks(4);

        JsonNode error = Api.assertOpenAiError(api.post("/v1/chat/completions", Api.chat(PUBLIC, false)), 502);

        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void anInBandErrorEventEndsTheStreamWithAnOpenAiErrorAndNoDone() {
        anthropic.behaviour(UPSTREAM).inBandErrorAfterChunks(5, "Overloaded");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(PUBLIC, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello from");
        assertThat(r.body()).doesNotContain("[DONE]");
        JsonNode error = Api.json(lastData(r.body())).path("error");
        assertThat(error.path("message").asText()).contains("Overloaded");
        assertThat(error.path("type").asText()).isEqualTo("overloaded");
    }

    @Test
    void embeddingsForAnAnthropicModelAreAClear400() {
        ObjectNode request = Api.JSON.createObjectNode().put("model", PUBLIC).put("input", "hello");

        JsonNode error = Api.assertOpenAiError(api.post("/v1/embeddings", request), 400);

        assertThat(error.path("message").asText()).contains("anthropic has no embeddings API");
        assertThat(anthropic.messageRequests()).isEmpty();
    }
}
