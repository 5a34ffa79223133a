package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An OpenAI client talking to a discovered Ollama model: requests become /api/chat, NDJSON becomes OpenAI JSON/SSE. */
@Timeout(120)
class OllamaChatTranslationTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String GREETING = "Hello from " + MODEL + "!";

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
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

    private static ObjectNode weatherTool(ObjectNode body) {
        ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", "get_weather");
        fn.put("description", "Current weather in a city");
        fn.putObject("parameters").put("type", "object").putObject("properties").putObject("city").put("type", "string");
        return body;
    }

    @Test
    void aNonStreamedReplyIsOneChatCompletionWithTextFinishAndUsage() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Api.json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo(GREETING);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT + 4);
    }

    @Test
    void theUpstreamIsAlwaysAskedToStreamEvenForANonStreamedClient() {
        api.post("/v1/chat/completions", Api.chat(MODEL, false));

        JsonNode sent = ollama.lastChat().body();
        assertThat(sent.path("model").asText()).isEqualTo(MODEL);
        assertThat(sent.path("stream").asBoolean(false)).isTrue();
    }

    @Test
    void aStreamedReplyIsSseWithRoleChunkContentDeltasFinishChunkAndDone() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat(MODEL, true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).doesNotContain("event:");
        List<String> data = Api.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(data).filteredOn("[DONE]"::equals).hasSize(1);
        List<JsonNode> chunks = Api.sseChunks(r.body());
        JsonNode first = chunks.get(0);
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(Api.streamedText(chunks)).isEqualTo(GREETING);
        String id = first.path("id").asText();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("id").asText()).isEqualTo(id);
            assertThat(c.path("model").asText()).isEqualTo(MODEL);
            assertThat(c.path("choices").size()).as("no usage-only chunk without include_usage").isEqualTo(1);
        });
        List<JsonNode> finishes = chunks.stream()
                .filter(c -> c.path("choices").path(0).path("finish_reason").isTextual()).toList();
        assertThat(finishes).hasSize(1);
        assertThat(finishes.get(0).path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(finishes.get(0)).isSameAs(chunks.get(chunks.size() - 1));
    }

    @Test
    void aStreamWithIncludeUsageEndsWithAUsageChunkWithEmptyChoicesBeforeDone() {
        ObjectNode body = Api.chat(MODEL, true);
        body.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        List<String> data = Api.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode usageChunk = Api.json(data.get(data.size() - 2));
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices").size()).isZero();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT);
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(usageChunk.path("usage").path("total_tokens").asInt()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT + 4);
        JsonNode finish = Api.json(data.get(data.size() - 3));
        assertThat(finish.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.path("usage").isNull()).as("earlier chunks carry usage null").isTrue();
    }

    @Test
    void aNonStreamedToolCallComesBackWithItsIdToolCallsFinishAndArgumentsAsAJsonString() throws Exception {
        ollama.behaviour(MODEL).toolCall("call_ab12cd34", "get_weather", "{\"city\":\"Oslo\",\"unit\":\"c\"}");

        HttpResponse<String> r = api.post("/v1/chat/completions", weatherTool(Api.chat(MODEL, false)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").path(0);
        assertThat(call.path("id").asText()).isEqualTo("call_ab12cd34");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").isTextual()).isTrue();
        assertThat(Api.json(call.path("function").path("arguments").asText()))
                .isEqualTo(Api.json("{\"city\":\"Oslo\",\"unit\":\"c\"}"));
        assertThat(Api.json(r).path("usage").path("completion_tokens").asInt()).isEqualTo(FakeOllama.TOOL_CALL_EVAL_COUNT);
    }

    @Test
    void theDefaultOllamaToolCallReachesTheClientForTheFirstTool() {
        HttpResponse<String> r = api.post("/v1/chat/completions", weatherTool(Api.chat(MODEL, false)));

        JsonNode call = Api.json(r).path("choices").path(0).path("message").path("tool_calls").path(0);
        assertThat(call.path("id").asText()).matches("call_[a-z0-9]{8}");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(Api.json(call.path("function").path("arguments").asText())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        JsonNode sentTools = ollama.lastChat().body().path("tools");
        assertThat(sentTools.size()).isEqualTo(1);
        assertThat(sentTools.path(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sentTools.path(0).path("function").path("parameters").path("type").asText()).isEqualTo("object");
    }

    @Test
    void aStreamedToolCallWithoutAnIdGetsASynthesisedIdAndToolCallsFinish() {
        ollama.behaviour(MODEL).toolCall(null, "get_weather", "{\"city\":\"Oslo\"}");

        HttpResponse<String> r = api.post("/v1/chat/completions", weatherTool(Api.chat(MODEL, true)));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = Api.sseChunks(r.body());
        JsonNode firstDelta = chunks.get(0).path("choices").path(0).path("delta");
        assertThat(firstDelta.path("role").asText()).isEqualTo("assistant");
        assertThat(firstDelta.path("content").isNull()).as("content null when the turn opens with a tool call").isTrue();
        List<JsonNode> fragments = new ArrayList<>();
        for (JsonNode c : chunks) {
            for (JsonNode tc : c.path("choices").path(0).path("delta").path("tool_calls")) {
                fragments.add(tc);
            }
        }
        assertThat(fragments).isNotEmpty();
        JsonNode start = fragments.get(0);
        assertThat(start.path("index").asInt()).isZero();
        assertThat(start.path("id").asText()).matches("call_[A-Za-z0-9]{8,}");
        assertThat(start.path("type").asText()).isEqualTo("function");
        assertThat(start.path("function").path("name").asText()).isEqualTo("get_weather");
        StringBuilder args = new StringBuilder();
        fragments.forEach(f -> args.append(f.path("function").path("arguments").asText("")));
        assertThat(Api.json(args.toString())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(fragments.stream().skip(1)).allSatisfy(f -> assertThat(f.has("id")).isFalse());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(Api.sseData(r.body())).last().isEqualTo("[DONE]");
    }

    @Test
    void systemUserAssistantToolCallAndToolResultMessagesReachOllamaInItsShape() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Be brief.");
        messages.addObject().put("role", "user").put("content", "Weather in Oslo?");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        ObjectNode call = assistant.putArray("tool_calls").addObject();
        call.put("id", "call_1").put("type", "function");
        call.putObject("function").put("name", "get_weather").put("arguments", "{\"city\":\"Oslo\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "12C, rain");
        messages.addObject().put("role", "developer").put("content", "Answer in English.");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = ollama.lastChat().body().path("messages");
        assertThat(sent.size()).isEqualTo(5);
        assertThat(sent.path(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(sent.path(1).path("role").asText()).isEqualTo("user");
        assertThat(sent.path(1).path("content").asText()).isEqualTo("Weather in Oslo?");
        assertThat(sent.path(2).path("role").asText()).isEqualTo("assistant");
        JsonNode sentCall = sent.path(2).path("tool_calls").path(0).path("function");
        assertThat(sentCall.path("name").asText()).isEqualTo("get_weather");
        assertThat(sentCall.path("arguments").isObject()).as("Ollama wants arguments as an object").isTrue();
        assertThat(sentCall.path("arguments").path("city").asText()).isEqualTo("Oslo");
        assertThat(sent.path(3).path("role").asText()).isEqualTo("tool");
        assertThat(sent.path(3).path("content").asText()).isEqualTo("12C, rain");
        assertThat(sent.path(3).path("tool_name").asText()).isEqualTo("get_weather");
        assertThat(sent.path(4).path("role").asText()).isEqualTo("system");
        assertThat(sent.path(4).path("content").asText()).isEqualTo("Answer in English.");
    }

    @Test
    void imagesGivenAsDataUrlsReachOllamaAsBareBase64() {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", MODEL);
        ArrayNode parts = body.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "What is in this picture?");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", "data:image/png;base64," + png);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode msg = ollama.lastChat().body().path("messages").path(0);
        assertThat(msg.path("content").asText()).isEqualTo("What is in this picture?");
        assertThat(msg.path("images").size()).isEqualTo(1);
        assertThat(msg.path("images").path(0).asText()).isEqualTo(png);
    }

    @Test
    void jsonObjectResponseFormatBecomesFormatJson() {
        ObjectNode body = Api.chat(MODEL, false);
        body.putObject("response_format").put("type", "json_object");

        api.post("/v1/chat/completions", body);

        assertThat(ollama.lastChat().body().path("format").asText()).isEqualTo("json");
    }

    @Test
    void jsonSchemaResponseFormatBecomesTheSchemaAsFormat() {
        ObjectNode body = Api.chat(MODEL, false);
        ObjectNode js = body.putObject("response_format").put("type", "json_schema").putObject("json_schema");
        js.put("name", "city");
        ObjectNode schema = js.putObject("schema").put("type", "object");
        schema.putObject("properties").putObject("name").put("type", "string");
        schema.putArray("required").add("name");

        api.post("/v1/chat/completions", body);

        assertThat(ollama.lastChat().body().path("format")).isEqualTo(schema);
    }

    @Test
    void maxTokensTemperatureTopPSeedAndStopBecomeOllamaOptions() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("max_tokens", 50).put("temperature", 0.3).put("top_p", 0.9).put("seed", 42);
        body.putArray("stop").add("END").add("STOP");

        api.post("/v1/chat/completions", body);

        JsonNode options = ollama.lastChat().body().path("options");
        assertThat(options.path("num_predict").asInt()).isEqualTo(50);
        assertThat(options.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(options.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(options.path("seed").asLong()).isEqualTo(42);
        assertThat(options.path("stop")).isEqualTo(Api.json("[\"END\",\"STOP\"]"));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensAsNumPredict() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("max_tokens", 50).put("max_completion_tokens", 70);

        api.post("/v1/chat/completions", body);

        assertThat(ollama.lastChat().body().path("options").path("num_predict").asInt()).isEqualTo(70);
    }

    @Test
    void aReplyCutByTheTokenLimitFinishesWithLength() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("max_tokens", 2);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        JsonNode json = Api.json(r);
        assertThat(json.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from");
        assertThat(json.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(json.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void aStreamedReplyCutByTheTokenLimitFinishesWithLength() {
        ObjectNode body = Api.chat(MODEL, true);
        body.put("max_completion_tokens", 3);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from " + MODEL);
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void theSameModelIsServedWithAndWithoutTheV1Prefix() {
        HttpResponse<String> r = api.post("/chat/completions", Api.chat(MODEL, false));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo(GREETING);
    }
}
