package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An Ollama client in front of an Ollama node: /api/chat is relayed as it is, only {@code model} rewritten. */
@Timeout(120)
class OllamaSurfacePassThroughTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String EMBED = "nomic-embed-text:latest";
    private static final String ALIAS = "house-model";
    private static final String ALIASED = "qwen3:0.6b";

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL, EMBED, ALIASED);
        gantry = RunningGantry.start("""
                limits: { drain_timeout: 1s }
                models:
                  - name: %s
                    deployments:
                      - provider: ollama
                        base_url: %s
                        model: %s
                """.formatted(ALIAS, ollama.baseUrl(), ALIASED), ollama.baseUrl());
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

    static ObjectNode chat(String model) {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "Say hello");
        return body;
    }

    @Test
    void aChatStreamsByDefaultAndEveryLineIsTheNodesOwn() {
        HttpResponse<String> r = api.post("/api/chat", chat(MODEL));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines).hasSize(5);
        assertThat(lines.subList(0, 4)).allSatisfy(l -> {
            assertThat(l.path("done").asBoolean(true)).isFalse();
            assertThat(l.path("model").asText()).isEqualTo(MODEL);
            assertThat(l.path("message").path("role").asText()).isEqualTo("assistant");
        });
        assertThat(OllamaWire.text(lines)).isEqualTo("Hello from " + MODEL + "!");
        JsonNode last = lines.get(4);
        OllamaWire.assertFinal(last, "stop", FakeOllama.PROMPT_EVAL_COUNT, 4);
        assertThat(last.path("total_duration").asLong()).as("the node's own timings, relayed").isEqualTo(174_560_334L);
        assertThat(last.path("eval_duration").asLong()).isEqualTo(52_479_709L);
    }

    @Test
    void theNodeGetsTheClientsBodyWithOnlyTheModelRewritten() {
        ObjectNode body = chat(ALIAS);
        body.putObject("options").put("num_ctx", 8192).put("top_k", 7).put("repeat_penalty", 1.1);
        body.put("keep_alive", "10m");
        body.put("think", false);
        body.put("format", "json");
        body.put("some_future_field", "kept");

        HttpResponse<String> r = api.post("/api/chat", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = ollama.lastChat().body();
        assertThat(sent.path("model").asText()).isEqualTo(ALIASED);
        assertThat(sent.path("options")).isEqualTo(body.get("options"));
        assertThat(sent.path("keep_alive").asText()).isEqualTo("10m");
        assertThat(sent.path("think").isBoolean()).isTrue();
        assertThat(sent.path("format").asText()).isEqualTo("json");
        assertThat(sent.path("some_future_field").asText()).isEqualTo("kept");
        assertThat(sent.path("messages")).isEqualTo(body.get("messages"));
        assertThat(r.headers().firstValue("x-gantry-deployment")).hasValueSatisfying(d -> assertThat(d).startsWith("ollama@"));
    }

    @Test
    void aNonStreamedChatIsOneObjectFoldedFromAStreamedUpstreamCall() {
        ObjectNode body = chat(MODEL);
        body.put("stream", false);

        HttpResponse<String> r = api.post("/api/chat", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode answer = Api.json(r);
        assertThat(answer.path("message").path("content").asText()).isEqualTo("Hello from " + MODEL + "!");
        assertThat(answer.path("message").path("role").asText()).isEqualTo("assistant");
        OllamaWire.assertFinal(answer, "stop", FakeOllama.PROMPT_EVAL_COUNT, 4);
        assertThat(ollama.lastChat().body().path("stream").asBoolean(false))
                .as("the node streams, so a hung node is noticed between tokens").isTrue();
    }

    @Test
    void toolCallsArriveWholeWithObjectArguments() {
        ObjectNode body = chat(MODEL);
        ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", "get_weather");
        fn.putObject("parameters").put("type", "object");

        List<JsonNode> lines = OllamaWire.lines(api.post("/api/chat", body));

        JsonNode call = lines.get(0).path("message").path("tool_calls").path(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").isObject()).isTrue();
        assertThat(call.path("function").path("arguments").path("city").asText()).isEqualTo("Oslo");
        assertThat(call.path("id").asText()).startsWith("call_");
        OllamaWire.assertFinal(lines.get(lines.size() - 1), "stop", FakeOllama.PROMPT_EVAL_COUNT, FakeOllama.TOOL_CALL_EVAL_COUNT);

        body.put("stream", false);
        JsonNode whole = Api.json(api.post("/api/chat", body));
        assertThat(whole.path("message").path("tool_calls").path(0).path("function").path("arguments").path("city").asText())
                .isEqualTo("Oslo");
    }

    @Test
    void generateIsOneChatTurnForTheNodeAndAnswersInGenerateShape() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", "llama3.2:1b");
        body.put("prompt", "Why is the sky blue?");
        body.put("system", "Be brief.");
        body.putObject("options").put("num_ctx", 4096);
        body.put("keep_alive", 300);

        HttpResponse<String> r = api.post("/api/generate", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> {
            assertThat(l.has("message")).isFalse();
            assertThat(l.path("response").isTextual()).isTrue();
            assertThat(l.path("model").asText()).isEqualTo(MODEL);
        });
        assertThat(OllamaWire.text(lines)).isEqualTo("Hello from " + MODEL + "!");
        OllamaWire.assertFinal(lines.get(lines.size() - 1), "stop", FakeOllama.PROMPT_EVAL_COUNT, 4);

        Recorded sent = ollama.lastChat();
        assertThat(sent.path()).isEqualTo("/api/chat");
        ArrayNode messages = (ArrayNode) sent.body().path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("Why is the sky blue?");
        assertThat(sent.body().path("options").path("num_ctx").asInt()).isEqualTo(4096);
        assertThat(sent.body().path("keep_alive").asInt()).isEqualTo(300);
        assertThat(sent.body().has("prompt")).isFalse();
    }

    @Test
    void aNonStreamedGenerateIsOneObjectWithTheWholeResponse() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        body.put("prompt", "hi");
        body.put("stream", false);

        HttpResponse<String> r = api.post("/api/generate", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Api.json(r);
        assertThat(answer.path("response").asText()).isEqualTo("Hello from " + MODEL + "!");
        assertThat(answer.path("model").asText()).isEqualTo(MODEL);
        assertThat(answer.has("message")).isFalse();
        OllamaWire.assertFinal(answer, "stop", FakeOllama.PROMPT_EVAL_COUNT, 4);
    }

    @Test
    void embedReturnsTheNodesVectorsInInputOrder() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", "nomic-embed-text");
        body.putArray("input").add("first").add("second");

        HttpResponse<String> r = api.post("/api/embed", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Api.json(r);
        assertThat(answer.path("model").asText()).isEqualTo("nomic-embed-text");
        assertThat(answer.path("embeddings")).hasSize(2);
        assertVector(answer.path("embeddings").get(0), FakeOllama.embeddingFor("first"));
        assertVector(answer.path("embeddings").get(1), FakeOllama.embeddingFor("second"));
        assertThat(answer.path("prompt_eval_count").asInt()).isEqualTo(2);
        assertThat(answer.path("total_duration").isIntegralNumber()).isTrue();
        assertThat(ollama.embedRequests()).hasSize(1);

        body.put("input", "just one");
        JsonNode single = Api.json(api.post("/api/embed", body));
        assertVector(single.path("embeddings").get(0), FakeOllama.embeddingFor("just one"));
    }

    @Test
    void theLegacyEmbeddingsEndpointTakesAPromptAndAnswersOneVector() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", EMBED);
        body.put("prompt", "hello world");

        HttpResponse<String> r = api.post("/api/embeddings", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Api.json(r);
        assertThat(answer.size()).isEqualTo(1);
        assertVector(answer.path("embedding"), FakeOllama.embeddingFor("hello world"));
    }

    @Test
    void anEmptyChatLoadsAndWithKeepAliveZeroUnloadsWithoutCallingTheNode() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        body.putArray("messages");

        HttpResponse<String> load = api.post("/api/chat", body);
        body.put("keep_alive", 0);
        HttpResponse<String> unload = api.post("/api/chat", body);
        ObjectNode gen = Api.JSON.createObjectNode().put("model", MODEL);
        HttpResponse<String> genLoad = api.post("/api/generate", gen);

        assertThat(load.statusCode()).isEqualTo(200);
        assertThat(load.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(Api.json(load).path("done_reason").asText()).isEqualTo("load");
        assertThat(Api.json(load).path("done").asBoolean()).isTrue();
        assertThat(Api.json(load).path("message").path("content").asText("x")).isEmpty();
        assertThat(Api.json(unload).path("done_reason").asText()).isEqualTo("unload");
        assertThat(Api.json(genLoad).path("done_reason").asText()).isEqualTo("load");
        assertThat(Api.json(genLoad).path("response").asText("x")).isEmpty();
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void anInBandErrorFromTheNodeEndsTheStreamWithAnErrorLine() {
        ollama.behaviour(MODEL).inBandErrorAfterChunks(2, "CUDA error: out of memory");

        HttpResponse<String> r = api.post("/api/chat", chat(MODEL));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines).hasSize(3);
        assertThat(OllamaWire.text(lines.subList(0, 2))).isEqualTo("Hello from");
        JsonNode last = lines.get(2);
        assertThat(last.size()).isEqualTo(1);
        assertThat(last.path("error").asText()).contains("CUDA error: out of memory");
        assertThat(lines).noneMatch(l -> l.path("done").asBoolean(false));
    }

    @Test
    void aNodeThatDropsTheConnectionMidStreamEndsTheStreamWithAnErrorLine() {
        ollama.behaviour(MODEL).resetAfterChunks(2);

        HttpResponse<String> r = api.post("/api/chat", chat(MODEL));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> lines = OllamaWire.lines(r);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2).path("error").asText()).isNotBlank();
        assertThat(lines).noneMatch(l -> l.path("done").asBoolean(false));
    }

    @Test
    void aNodeRefusingBeforeTheStreamGivesThatStatusAndItsMessage() {
        ollama.behaviour(MODEL).failWith(400, "{\"error\":\"\\\"llama3.2:1b\\\" does not support thinking\"}");

        ObjectNode body = chat(MODEL);
        body.put("think", true);
        String message = OllamaWire.assertError(api.post("/api/chat", body), 400);

        assertThat(message).contains("does not support thinking");
    }

    private static void assertVector(JsonNode actual, double[] expected) {
        assertThat(actual.isArray()).as("vector %s", actual).isTrue();
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.get(i).asDouble()).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
