package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeGemini;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An OpenAI client talking to a Gemini deployment: chat, tools, usage, embeddings and failures, translated both ways. */
@Timeout(120)
class GeminiProviderTest {

    private static final String MODEL = "gemini-x";
    private static final String EMBED = "text-embedding-x";
    private static final String KEY = "test-gemini-key";
    private static final String GREETING = "Hello from " + MODEL + "!";

    private static FakeGemini gemini;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        gemini = FakeGemini.start(MODEL, EMBED);
        gemini.requireApiKey(KEY);
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: %1$s
                    deployments:
                      - provider: gemini
                        base_url: %2$s
                        model: %1$s
                        api_key: %3$s
                  - name: %4$s
                    deployments:
                      - provider: gemini
                        base_url: %2$s
                        model: %4$s
                        api_key: %3$s
                  - name: gemini-wrong-key
                    deployments:
                      - provider: gemini
                        base_url: %2$s
                        model: %1$s
                        api_key: not-the-key
                  - name: gemini-ghost
                    deployments:
                      - provider: gemini
                        base_url: %2$s
                        model: gemini-ghost
                        api_key: %3$s
                """.formatted(MODEL, gemini.baseUrl(), KEY, EMBED), "http://127.0.0.1:1");
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    @BeforeEach
    void clean() {
        gemini.reset();
    }

    private static ObjectNode weatherTool(ObjectNode body) {
        ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", "get_weather");
        fn.put("description", "Current weather in a city");
        ObjectNode params = fn.putObject("parameters");
        params.put("type", "object").put("additionalProperties", false);
        params.putObject("properties").putObject("city").put("type", "string");
        params.putArray("required").add("city");
        return body;
    }

    private static String lastUri() {
        List<String> uris = gemini.allUris();
        return uris.get(uris.size() - 1);
    }

    // ---------------------------------------------------------------- chat

    @Test
    void aNonStreamedReplyIsOneChatCompletionFromGenerateContent() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Api.json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("message").path("content").asText()).isEqualTo(GREETING);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeGemini.PROMPT_TOKENS);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(FakeGemini.PROMPT_TOKENS + 4);
        assertThat(lastUri()).isEqualTo("/v1beta/models/" + MODEL + ":generateContent");
        assertThat(gemini.lastChat().body().path("contents")).isEqualTo(Api.json("[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}]"));
    }

    @Test
    void aStreamedReplyIsOpenAiSseFromStreamGenerateContentWithUsage() {
        ObjectNode req = Api.chat(MODEL, true);
        req.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> r = api.post("/v1/chat/completions", req);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = Api.sseData(r.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo(GREETING);
        assertThat(chunks.stream().filter(c -> c.path("choices").path(0).path("finish_reason").isTextual())
                .map(c -> c.path("choices").path(0).path("finish_reason").asText()).toList()).containsExactly("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeGemini.PROMPT_TOKENS);
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(lastUri()).isEqualTo("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse");
    }

    @Test
    void theProviderKeyTravelsOnlyInXGoogApiKeyAndTheGatewayKeyNever() {
        ObjectNode stream = Api.chat(MODEL, true);
        api.post("/v1/chat/completions", stream);
        api.post("/v1/chat/completions", Api.chat(MODEL, false));
        ObjectNode embed = Api.JSON.createObjectNode().put("model", EMBED).put("input", "one");
        assertThat(api.post("/v1/embeddings", embed).statusCode()).isEqualTo(200);

        List<Recorded> calls = new ArrayList<>(gemini.chatRequests());
        calls.addAll(gemini.embeddingRequests());
        assertThat(calls).hasSize(3);
        for (Recorded call : calls) {
            assertThat(call.header("x-goog-api-key")).isEqualTo(KEY);
            assertThat(call.header("authorization")).isNull();
        }
        for (Recorded any : gemini.allRequests()) {
            for (Map.Entry<String, String> h : any.headers()) {
                assertThat(h.getValue()).as(h.getKey()).doesNotContain(RunningGantry.MASTER_KEY);
            }
        }
        assertThat(gemini.allUris()).noneMatch(u -> u.contains("key=") || u.contains(KEY) || u.contains(RunningGantry.MASTER_KEY));
    }

    @Test
    void systemMessagesToolsAndToolChoiceAreTranslatedAndTheCallComesBackAsToolCalls() {
        ObjectNode req = weatherTool(Api.chat(MODEL, false));
        req.withArray("messages").insertObject(0).put("role", "system").put("content", "Be brief.");
        req.put("tool_choice", "required");
        req.put("temperature", 0.2);
        req.put("max_tokens", 100);

        HttpResponse<String> r = api.post("/v1/chat/completions", req);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = gemini.lastChat().body();
        assertThat(sent.path("systemInstruction")).isEqualTo(Api.json("{\"parts\":[{\"text\":\"Be brief.\"}]}"));
        assertThat(sent.path("tools")).isEqualTo(Api.json("""
                [{"functionDeclarations":[{"name":"get_weather","description":"Current weather in a city",
                  "parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}]"""));
        assertThat(sent.path("toolConfig")).isEqualTo(Api.json("{\"functionCallingConfig\":{\"mode\":\"ANY\"}}"));
        assertThat(sent.path("generationConfig")).isEqualTo(Api.json("{\"temperature\":0.2,\"maxOutputTokens\":100}"));
        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").path(0);
        assertThat(call.path("id").asText()).matches("call_[A-Za-z0-9]{24}");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(Api.json(call.path("function").path("arguments").asText())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(Api.json(r).path("usage").path("completion_tokens").asInt()).isEqualTo(FakeGemini.TOOL_CALL_TOKENS);
    }

    @Test
    void aStreamedToolCallArrivesAsOpenAiToolCallDeltas() {
        HttpResponse<String> r = api.post("/v1/chat/completions", weatherTool(Api.chat(MODEL, true)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.sseData(r.body())).last().isEqualTo("[DONE]");
        JsonNode start = null;
        StringBuilder args = new StringBuilder();
        String finish = null;
        for (JsonNode c : chunks) {
            JsonNode choice = c.path("choices").path(0);
            for (JsonNode tc : choice.path("delta").path("tool_calls")) {
                if (tc.has("id")) {
                    start = tc;
                }
                args.append(tc.path("function").path("arguments").asText(""));
            }
            if (choice.path("finish_reason").isTextual()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(start).isNotNull();
        assertThat(start.path("index").asInt()).isEqualTo(0);
        assertThat(start.path("id").asText()).startsWith("call_");
        assertThat(start.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(Api.json(args.toString())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void aToolLoopSendsFunctionCallAndNamedFunctionResponseWithTheThoughtSignatureBack() {
        gemini.behaviour(MODEL).toolCall(null, "get_weather", "{\"city\":\"Oslo\"}").thoughtSignature("CiQBopaque/sig==");
        HttpResponse<String> first = api.post("/v1/chat/completions", weatherTool(Api.chat(MODEL, false)));
        JsonNode call = Api.json(first).path("choices").path(0).path("message").path("tool_calls").path(0);
        String id = call.path("id").asText();
        assertThat(id).startsWith("call_");

        gemini.reset();
        ObjectNode second = weatherTool(Api.chat(MODEL, false));
        ObjectNode assistant = second.withArray("messages").addObject().put("role", "assistant");
        assistant.putNull("content");
        assistant.putArray("tool_calls").add(call);
        second.withArray("messages").addObject().put("role", "tool").put("tool_call_id", id).put("content", "12 degrees");
        HttpResponse<String> r = api.post("/v1/chat/completions", second);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode contents = gemini.lastChat().body().path("contents");
        assertThat(contents).hasSize(3);
        JsonNode model = contents.get(1);
        assertThat(model.path("role").asText()).isEqualTo("model");
        assertThat(model.path("parts").path(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(model.path("parts").path(0).path("functionCall").path("args")).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(model.path("parts").path(0).path("thoughtSignature").asText()).isEqualTo("CiQBopaque/sig==");
        JsonNode response = contents.get(2).path("parts").path(0).path("functionResponse");
        assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
        assertThat(response.path("name").asText()).isEqualTo("get_weather");
        assertThat(response.path("response")).isEqualTo(Api.json("{\"output\":\"12 degrees\"}"));
        assertThat(response.path("id").asText()).isEqualTo(model.path("parts").path(0).path("functionCall").path("id").asText());
    }

    @Test
    void maxTokensReachedIsFinishLength() {
        ObjectNode req = Api.chat(MODEL, false).put("max_tokens", 2);
        JsonNode body = Api.json(api.post("/v1/chat/completions", req));
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from");
        assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void aBlockedPromptIsAContentFilterFinishNotAnError() {
        gemini.behaviour(MODEL).blockPrompt("SAFETY");
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(choice.path("message").path("content").asText()).isEmpty();

        HttpResponse<String> s = api.post("/v1/chat/completions", Api.chat(MODEL, true));
        assertThat(Api.sseData(s.body())).last().isEqualTo("[DONE]");
        assertThat(Api.sseChunks(s.body()).stream().map(c -> c.path("choices").path(0).path("finish_reason").asText(""))
                .filter(f -> !f.isEmpty()).toList()).containsExactly("content_filter");
    }

    @Test
    void aSafetyStopMidAnswerKeepsTheTextAndFinishesContentFilter() {
        gemini.behaviour(MODEL).tokens("Once", " upon").finishReason("SAFETY");
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Once upon");
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("content_filter");
    }

    // ---------------------------------------------------------------- failures

    @Test
    void resourceExhaustedIsAnOpenAi429WithRetryAfter() {
        gemini.behaviour(MODEL).failWith(429, FakeGemini.errorBody(429, "Resource has been exhausted (e.g. check quota)."));

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        JsonNode error = Api.assertOpenAiError(r, 429);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("Resource has been exhausted");
        assertThat(r.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    }

    @Test
    void upstreamStatusesMapToTheirKinds() {
        Map<Integer, Integer> expected = Map.of(400, 400, 403, 502, 500, 502, 503, 503);
        expected.forEach((upstream, client) -> {
            gemini.reset();
            gemini.behaviour(MODEL).failWith(upstream, FakeGemini.errorBody(upstream, "scripted " + upstream));
            HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, false));
            Api.assertOpenAiError(r, client);
        });
    }

    @Test
    void aWrongProviderKeyIsTheGatewaysProblemNotTheClients() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("gemini-wrong-key", false));
        JsonNode error = Api.assertOpenAiError(r, 502);
        assertThat(error.path("message").asText()).doesNotContain("not-the-key");
        // Refused at the door, before the fake routes it: find it among all requests.
        assertThat(gemini.allRequests()).anySatisfy(rec -> {
            assertThat(rec.path()).endsWith(":generateContent");
            assertThat(rec.header("x-goog-api-key")).isEqualTo("not-the-key");
        });
    }

    @Test
    void aModelGeminiDoesNotHaveIsModelNotFound() {
        JsonNode error = Api.assertOpenAiError(api.post("/v1/chat/completions", Api.chat("gemini-ghost", false)), 404);
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void aStreamCutMidWayEndsWithAnInBandErrorAndNoDone() {
        gemini.behaviour(MODEL).resetAfterChunks(2);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Api.sseData(r.body());
        assertThat(data).doesNotContain("[DONE]");
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello from");
        JsonNode last = Api.json(data.get(data.size() - 1));
        assertThat(last.path("error").path("message").asText()).isNotBlank();
        assertThat(last.path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void anInBandErrorObjectMidStreamEndsWithAnInBandErrorAndNoDone() {
        gemini.behaviour(MODEL).inBandErrorAfterChunks(1, "An internal error has occurred.");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        List<String> data = Api.sseData(r.body());
        assertThat(data).doesNotContain("[DONE]");
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello");
        assertThat(Api.json(data.get(data.size() - 1)).path("error").path("message").asText()).contains("internal error");
    }

    // ---------------------------------------------------------------- embeddings

    @Test
    void oneInputUsesEmbedContent() {
        ObjectNode req = Api.JSON.createObjectNode().put("model", EMBED).put("input", "hello world").put("dimensions", 8);

        HttpResponse<String> r = api.post("/v1/embeddings", req);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(lastUri()).isEqualTo("/v1beta/models/" + EMBED + ":embedContent");
        JsonNode sent = gemini.embeddingRequests().get(0).body();
        assertThat(sent).isEqualTo(Api.json("{\"content\":{\"parts\":[{\"text\":\"hello world\"}]},\"outputDimensionality\":8}"));
        JsonNode body = Api.json(r);
        JsonNode vector = body.path("data").path(0).path("embedding");
        assertThat(vector).hasSize(8);
        double[] expected = FakeOllama.embeddingFor("hello world");
        for (int i = 0; i < 8; i++) {
            assertThat(vector.get(i).asDouble()).isCloseTo(expected[i], within(1e-6));
        }
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
    }

    @Test
    void severalInputsUseBatchEmbedContentsInOrder() {
        ObjectNode req = Api.JSON.createObjectNode().put("model", EMBED);
        req.putArray("input").add("alpha").add("beta").add("gamma");

        HttpResponse<String> r = api.post("/v1/embeddings", req);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(lastUri()).isEqualTo("/v1beta/models/" + EMBED + ":batchEmbedContents");
        JsonNode requests = gemini.embeddingRequests().get(0).body().path("requests");
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1)).isEqualTo(Api.json("{\"model\":\"models/" + EMBED + "\",\"content\":{\"parts\":[{\"text\":\"beta\"}]}}"));
        JsonNode data = Api.json(r).path("data");
        assertThat(data).hasSize(3);
        String[] inputs = {"alpha", "beta", "gamma"};
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
            assertThat(data.get(i).path("embedding").get(0).asDouble()).isCloseTo(FakeOllama.embeddingFor(inputs[i])[0], within(1e-6));
        }
        assertThat(Api.json(r).path("usage").path("prompt_tokens").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void moreThanAHundredInputsGoAsSeveralBatches() {
        ObjectNode req = Api.JSON.createObjectNode().put("model", EMBED);
        var input = req.putArray("input");
        for (int i = 0; i < 230; i++) {
            input.add("text " + i);
        }

        HttpResponse<String> r = api.post("/v1/embeddings", req);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gemini.embeddingRequests()).extracting(rec -> rec.body().path("requests").size()).containsExactly(100, 100, 30);
        JsonNode data = Api.json(r).path("data");
        assertThat(data).hasSize(230);
        assertThat(data.get(229).path("embedding").get(0).asDouble()).isCloseTo(FakeOllama.embeddingFor("text 229")[0], within(1e-6));
    }

    @Test
    void anEmbeddingErrorMapsLikeAChatError() {
        gemini.behaviour(EMBED).failWith(429, FakeGemini.errorBody(429, "Quota exceeded."));
        HttpResponse<String> r = api.post("/v1/embeddings", Api.JSON.createObjectNode().put("model", EMBED).put("input", "x"));
        Api.assertOpenAiError(r, 429);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
    }
}
