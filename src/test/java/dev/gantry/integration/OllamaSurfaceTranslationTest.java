package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An Ollama client asking for a model an OpenAI-compatible server backs: NDJSON in, SSE upstream, NDJSON out. */
@Timeout(120)
class OllamaSurfaceTranslationTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final String EMBED = "text-embedding-3-small";
    /** 1x1 transparent PNG. */
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private static FakeOpenAi openai;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeOpenAi.start(MODEL, EMBED);
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: %1$s
                    deployments:
                      - provider: openai
                        base_url: %3$s
                        model: %1$s
                        api_key: sk-fake-upstream-key-for-tests
                  - name: %2$s
                    deployments:
                      - provider: openai
                        base_url: %3$s
                        model: %2$s
                        api_key: sk-fake-upstream-key-for-tests
                """.formatted(MODEL, EMBED, openai.baseUrl()), "http://127.0.0.1:1");
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

    private static ObjectNode weatherTool(ObjectNode body) {
        ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", "get_weather");
        fn.put("description", "Current weather in a city");
        fn.putObject("parameters").put("type", "object").putObject("properties").putObject("city").put("type", "string");
        return body;
    }

    @Test
    void aChatStreamsNdjsonByDefaultEndingWithTheFinalObject() {
        HttpResponse<String> r = api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines).hasSize(5);
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.path("model").asText()).isEqualTo(MODEL);
            assertThat(l.path("created_at").asText()).matches(OllamaWire.RFC3339_FRACTION);
            assertThat(l.path("message").path("role").asText()).isEqualTo("assistant");
        });
        assertThat(lines.subList(0, 4)).extracting(l -> l.path("message").path("content").asText())
                .containsExactly("Hello", " from", " " + MODEL, "!");
        assertThat(lines.subList(0, 4)).allSatisfy(l -> assertThat(l.path("done").asBoolean(true)).isFalse());
        JsonNode last = lines.get(4);
        OllamaWire.assertFinal(last, "stop", FakeOpenAi.PROMPT_TOKENS, 4);
        assertThat(last.path("message").path("content").asText("x")).isEmpty();
        assertThat(last.path("load_duration").asLong()).isZero();
        assertThat(last.path("total_duration").asLong()).isGreaterThanOrEqualTo(last.path("eval_duration").asLong());
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void theTaggedNameFromTheTagsListReachesTheSameModelAndIsEchoed() {
        HttpResponse<String> r = api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL + ":latest"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines).allSatisfy(l -> assertThat(l.path("model").asText()).isEqualTo(MODEL + ":latest"));
        assertThat(openai.lastChat().body().path("model").asText()).isEqualTo(MODEL);
    }

    @Test
    void optionsBecomeOpenAiParametersAndOllamaOnlySettingsStayBehind() {
        ObjectNode body = OllamaSurfacePassThroughTest.chat(MODEL);
        body.putObject("options").put("num_predict", 100).put("temperature", 0.3).put("top_p", 0.9).put("seed", 42)
                .put("top_k", 40).put("num_ctx", 8192).put("presence_penalty", 0.5).putArray("stop").add("END");
        body.put("keep_alive", "5m");
        body.put("think", "high");
        body.put("format", "json");

        HttpResponse<String> r = api.post("/api/chat", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = openai.lastChat().body();
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.path("seed").asInt()).isEqualTo(42);
        assertThat(sent.path("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(sent.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("high");
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(sent.path("stream").asBoolean()).isTrue();
        for (String ollamaOnly : new String[] {"options", "keep_alive", "think", "format", "top_k", "num_ctx"}) {
            assertThat(sent.has(ollamaOnly)).as("%s must not reach an OpenAI upstream: %s", ollamaOnly, sent).isFalse();
        }
    }

    @Test
    void aJsonSchemaFormatBecomesAJsonSchemaResponseFormat() {
        ObjectNode body = OllamaSurfacePassThroughTest.chat(MODEL);
        body.putObject("format").put("type", "object").putObject("properties").putObject("age").put("type", "integer");

        api.post("/api/chat", body);

        JsonNode rf = openai.lastChat().body().path("response_format");
        assertThat(rf.path("type").asText()).isEqualTo("json_schema");
        assertThat(rf.path("json_schema").path("schema")).isEqualTo(body.get("format"));
    }

    @Test
    void aNonStreamedChatIsOneObjectWithTheWholeMessageAndFinalFields() {
        ObjectNode body = OllamaSurfacePassThroughTest.chat(MODEL);
        body.put("stream", false);

        HttpResponse<String> r = api.post("/api/chat", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode answer = Api.json(r);
        assertThat(answer.path("model").asText()).isEqualTo(MODEL);
        assertThat(answer.path("message").path("content").asText()).isEqualTo("Hello from " + MODEL + "!");
        OllamaWire.assertFinal(answer, "stop", FakeOpenAi.PROMPT_TOKENS, 4);
    }

    @Test
    void reachingNumPredictEndsWithDoneReasonLength() {
        ObjectNode body = OllamaSurfacePassThroughTest.chat(MODEL);
        body.putObject("options").put("num_predict", 2);

        List<JsonNode> lines = OllamaWire.lines(api.post("/api/chat", body));

        assertThat(OllamaWire.text(lines)).isEqualTo("Hello from");
        OllamaWire.assertFinal(lines.get(lines.size() - 1), "length", FakeOpenAi.PROMPT_TOKENS, 2);
    }

    @Test
    void aStreamedToolCallArrivesWholeInOneLineWithObjectArguments() {
        HttpResponse<String> r = api.post("/api/chat", weatherTool(OllamaSurfacePassThroughTest.chat(MODEL)));

        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines).hasSize(2);
        JsonNode calls = lines.get(0).path("message").path("tool_calls");
        assertThat(calls).hasSize(1);
        JsonNode call = calls.get(0);
        assertThat(call.path("id").asText()).startsWith("call_");
        assertThat(call.path("function").path("index").asInt(-1)).isZero();
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").isObject()).as("arguments as an object: %s", call).isTrue();
        assertThat(call.path("function").path("arguments").path("city").asText()).isEqualTo("Oslo");
        assertThat(lines.get(0).path("done").asBoolean(true)).isFalse();
        OllamaWire.assertFinal(lines.get(1), "stop", FakeOpenAi.PROMPT_TOKENS, FakeOpenAi.TOOL_CALL_TOKENS);
        assertThat(openai.lastChat().body().path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void parallelToolCallsKeepTheirOrderAndIndexes() {
        openai.behaviour(MODEL).toolCall("call_a", "get_weather", "{\"city\":\"Oslo\"}").toolCall("call_b", "get_time", "{\"tz\":\"CET\"}");

        ObjectNode body = weatherTool(OllamaSurfacePassThroughTest.chat(MODEL));
        body.put("stream", false);
        JsonNode calls = Api.json(api.post("/api/chat", body)).path("message").path("tool_calls");

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("id").asText()).isEqualTo("call_a");
        assertThat(calls.get(0).path("function").path("arguments").path("city").asText()).isEqualTo("Oslo");
        assertThat(calls.get(1).path("id").asText()).isEqualTo("call_b");
        assertThat(calls.get(1).path("function").path("index").asInt()).isEqualTo(1);
        assertThat(calls.get(1).path("function").path("arguments").path("tz").asText()).isEqualTo("CET");
    }

    @Test
    void toolHistoryWithObjectArgumentsAndToolNameLinksResultsToCalls() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        body.put("stream", false);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Weather in Oslo and Bergen?");
        ObjectNode assistant = messages.addObject().put("role", "assistant").put("content", "");
        ArrayNode calls = assistant.putArray("tool_calls");
        calls.addObject().putObject("function").put("name", "get_weather").putObject("arguments").put("city", "Oslo");
        calls.addObject().put("id", "call_bergen1").putObject("function").put("name", "get_weather").putObject("arguments").put("city", "Bergen");
        messages.addObject().put("role", "tool").put("tool_name", "get_weather").put("content", "12 C");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_bergen1").put("content", "9 C");

        HttpResponse<String> r = api.post("/api/chat", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = openai.lastChat().body().path("messages");
        JsonNode sentCalls = sent.get(1).path("tool_calls");
        assertThat(sentCalls.get(0).path("function").path("arguments").isTextual()).isTrue();
        assertThat(Api.json(sentCalls.get(0).path("function").path("arguments").asText()).path("city").asText()).isEqualTo("Oslo");
        String oslo = sentCalls.get(0).path("id").asText();
        assertThat(oslo).startsWith("call_");
        assertThat(sentCalls.get(1).path("id").asText()).isEqualTo("call_bergen1");
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo(oslo);
        assertThat(sent.get(3).path("tool_call_id").asText()).isEqualTo("call_bergen1");
        assertThat(sent.get(3).path("content").asText()).isEqualTo("9 C");
    }

    @Test
    void bareBase64ImagesBecomeDataUrlsWithTheSniffedType() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        body.putArray("messages").addObject().put("role", "user").put("content", "What is this?").putArray("images").add(PNG);

        assertThat(api.post("/api/chat", body).statusCode()).isEqualTo(200);

        JsonNode content = openai.lastChat().body().path("messages").get(0).path("content");
        assertThat(content.get(0).path("text").asText()).isEqualTo("What is this?");
        assertThat(content.get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64," + PNG);
    }

    @Test
    void generateBecomesSystemAndUserMessagesAndAnswersWithResponseLines() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        body.put("prompt", "Why is the sky blue?");
        body.put("system", "Be brief.");
        body.putArray("context").add(1).add(2);

        HttpResponse<String> r = api.post("/api/generate", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> {
            assertThat(l.has("message")).isFalse();
            assertThat(l.path("done").asBoolean(true)).isFalse();
        });
        assertThat(OllamaWire.text(lines)).isEqualTo("Hello from " + MODEL + "!");
        OllamaWire.assertFinal(lines.get(lines.size() - 1), "stop", FakeOpenAi.PROMPT_TOKENS, 4);
        JsonNode sent = openai.lastChat().body().path("messages");
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.get(1).path("content").asText()).isEqualTo("Why is the sky blue?");
        assertThat(openai.lastChat().body().has("context")).isFalse();

        body.put("stream", false);
        JsonNode whole = Api.json(api.post("/api/generate", body));
        assertThat(whole.path("response").asText()).isEqualTo("Hello from " + MODEL + "!");
        OllamaWire.assertFinal(whole, "stop", FakeOpenAi.PROMPT_TOKENS, 4);
    }

    @Test
    void embedAndLegacyEmbeddingsUseTheOpenAiEmbeddingsEndpoint() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", EMBED);
        body.putArray("input").add("alpha").add("beta gamma");

        HttpResponse<String> r = api.post("/api/embed", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Api.json(r);
        assertThat(answer.path("embeddings")).hasSize(2);
        double[] beta = FakeOllama.embeddingFor("beta gamma");
        for (int i = 0; i < beta.length; i++) {
            assertThat(answer.path("embeddings").get(1).get(i).asDouble()).isCloseTo(beta[i], Offset.offset(1e-6));
        }
        assertThat(answer.path("prompt_eval_count").asInt()).isEqualTo(3);
        assertThat(openai.embeddingRequests().get(0).body().path("input")).hasSize(2);

        ObjectNode legacy = Api.JSON.createObjectNode().put("model", EMBED).put("prompt", "alpha");
        JsonNode one = Api.json(api.post("/api/embeddings", legacy)).path("embedding");
        assertThat(one).hasSize(8);
        assertThat(one.get(0).asDouble()).isCloseTo(FakeOllama.embeddingFor("alpha")[0], Offset.offset(1e-6));
    }

    @Test
    void anUpstreamErrorMidStreamEndsTheNdjsonWithAnErrorLineAndNoDone() {
        openai.behaviour(MODEL).inBandErrorAfterChunks(3, "The server had an error while processing your request.");

        HttpResponse<String> r = api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.size()).as("only error in %s", last).isEqualTo(1);
        assertThat(last.path("error").asText()).isNotBlank();
        assertThat(lines).noneMatch(l -> l.path("done").asBoolean(false));
        assertThat(OllamaWire.text(lines.subList(0, lines.size() - 1))).isEqualTo("Hello from");
    }

    @Test
    void anUpstreamDroppingTheConnectionMidStreamEndsWithAnErrorLine() {
        openai.behaviour(MODEL).resetAfterChunks(2);

        List<JsonNode> lines = OllamaWire.lines(api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL)));

        assertThat(lines.get(lines.size() - 1).path("error").asText()).isNotBlank();
        assertThat(lines).noneMatch(l -> l.path("done").asBoolean(false));
    }

    @Test
    void anUpstreamFailureBeforeTheStreamIsAPlainErrorWithTheKindsStatus() {
        openai.behaviour(MODEL).failWith(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");

        String message = OllamaWire.assertError(api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL)), 502);

        assertThat(message).contains("boom");
    }
}
