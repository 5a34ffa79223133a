package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.integration.AnthropicWire.Event;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Anthropic clients on {@code /v1/messages} in front of a discovered Ollama model and a configured
 * OpenAI-compatible deployment: the request is translated, the answer comes back as a Messages
 * object or as the exact Anthropic event sequence.
 */
@Timeout(120)
class AnthropicMessagesTest {

    private static final String OLLAMA_MODEL = "llama3.2:1b";
    private static final String GPT = "gpt-fast";
    private static final String GPT_UPSTREAM = "upstream-gpt-4o-mini";

    private static FakeOllama ollama;
    private static FakeOpenAi openai;
    private static RunningGantry gantry;
    private static AnthropicWire wire;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(OLLAMA_MODEL);
        openai = FakeOpenAi.start(GPT_UPSTREAM);
        gantry = RunningGantry.start("""
                limits: { drain_timeout: 1s }
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

    @Test
    void aNonStreamedMessageHasTheMessagesShape() {
        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.message(OLLAMA_MODEL, false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        JsonNode m = Api.json(r);
        assertThat(m.path("id").asText()).startsWith("msg_");
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("role").asText()).isEqualTo("assistant");
        assertThat(m.path("model").asText()).isEqualTo(OLLAMA_MODEL);
        assertThat(m.path("content")).hasSize(1);
        assertThat(m.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("Hello from " + OLLAMA_MODEL + "!");
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.has("stop_sequence") && m.get("stop_sequence").isNull()).isTrue();
        assertThat(m.path("usage").path("input_tokens").asInt()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT);
        assertThat(m.path("usage").path("output_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void aStreamedMessageIsTheExactAnthropicEventSequence() {
        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.message(OLLAMA_MODEL, true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<Event> events = AnthropicWire.events(r.body());
        assertThat(AnthropicWire.names(events)).containsExactly(
                "message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        JsonNode start = events.get(0).data().path("message");
        assertThat(start.path("id").asText()).startsWith("msg_");
        assertThat(start.path("role").asText()).isEqualTo("assistant");
        assertThat(start.path("model").asText()).isEqualTo(OLLAMA_MODEL);
        assertThat(start.path("content").isArray() && start.path("content").isEmpty()).isTrue();
        assertThat(start.path("stop_reason").isNull()).isTrue();
        assertThat(start.path("usage").path("input_tokens").asInt()).as("estimate before the upstream reports").isPositive();
        JsonNode block = events.get(1).data();
        assertThat(block.path("index").asInt()).isZero();
        assertThat(block.path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(block.path("content_block").path("text").asText()).isEmpty();
        for (Event e : events.subList(3, 8)) {
            assertThat(e.data().path("index").asInt()).isZero();
        }
        assertThat(AnthropicWire.text(events)).isEqualTo("Hello from " + OLLAMA_MODEL + "!");
        JsonNode delta = events.get(8).data();
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.path("delta").path("stop_sequence").isNull()).isTrue();
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(4);
        assertThat(delta.path("usage").path("input_tokens").asInt()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT);
        assertThat(r.body()).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void toolsReachOllamaAndTheCallComesBackAsAToolUseBlock() {
        ObjectNode body = AnthropicWire.weatherTool(AnthropicWire.message(OLLAMA_MODEL, false));
        body.putObject("tool_choice").put("type", "auto");

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode m = Api.json(r);
        assertThat(m.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(m.path("content")).hasSize(1);
        JsonNode use = m.path("content").get(0);
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).matches("^[a-zA-Z0-9_-]+$");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input")).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));

        JsonNode tool = ollama.lastChat().body().path("tools").get(0);
        assertThat(tool.path("type").asText()).isEqualTo("function");
        assertThat(tool.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(tool.path("function").path("parameters")).isEqualTo(body.path("tools").get(0).path("input_schema"));
    }

    @Test
    void aStreamedWholeToolCallIsOneToolUseBlockWithOneInputJsonDelta() {
        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.weatherTool(AnthropicWire.message(OLLAMA_MODEL, true)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Event> events = AnthropicWire.events(r.body());
        assertThat(AnthropicWire.names(events)).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        JsonNode start = events.get(1).data().path("content_block");
        assertThat(start.path("type").asText()).isEqualTo("tool_use");
        assertThat(start.path("name").asText()).isEqualTo("get_weather");
        assertThat(start.path("id").asText()).isNotBlank();
        assertThat(start.path("input").isObject() && start.path("input").isEmpty()).isTrue();
        JsonNode delta = events.get(3).data().path("delta");
        assertThat(delta.path("type").asText()).isEqualTo("input_json_delta");
        assertThat(Api.json(delta.path("partial_json").asText())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(events.get(5).data().path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void fragmentedOpenAiToolCallsStreamAsSequentialBlocksAfterTheText() {
        openai.behaviour(GPT_UPSTREAM).tokens("Let me ", "check.")
                .toolCall("call_first", "get_weather", "{\"city\":\"Oslo\"}")
                .toolCall("call_second", "get_weather", "{\"city\":\"Bergen\"}");

        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.weatherTool(AnthropicWire.message(GPT, true)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Event> events = AnthropicWire.events(r.body());
        assertThat(AnthropicWire.names(events)).containsExactly("message_start",
                "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(AnthropicWire.text(events)).isEqualTo("Let me check.");
        assertToolBlock(events.subList(6, 9), 1, "call_first", "{\"city\":\"Oslo\"}");
        assertToolBlock(events.subList(9, 12), 2, "call_second", "{\"city\":\"Bergen\"}");
        JsonNode delta = events.get(12).data();
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.path("usage").path("input_tokens").asInt()).isEqualTo(FakeOpenAi.PROMPT_TOKENS);
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(2 + FakeOpenAi.TOOL_CALL_TOKENS);
    }

    private static void assertToolBlock(List<Event> block, int index, String id, String arguments) {
        assertThat(block.get(0).data().path("index").asInt()).isEqualTo(index);
        assertThat(block.get(0).data().path("content_block").path("id").asText()).isEqualTo(id);
        StringBuilder json = new StringBuilder();
        for (Event e : block.subList(1, block.size() - 1)) {
            assertThat(e.data().path("index").asInt()).isEqualTo(index);
            assertThat(e.data().path("delta").path("type").asText()).isEqualTo("input_json_delta");
            json.append(e.data().path("delta").path("partial_json").asText());
        }
        assertThat(Api.json(json.toString())).isEqualTo(Api.json(arguments));
        assertThat(block.get(block.size() - 1).data().path("index").asInt()).isEqualTo(index);
    }

    @Test
    void aNonStreamedOpenAiAnswerWithTextAndToolsKeepsBothInOrder() {
        openai.behaviour(GPT_UPSTREAM).tokens("Checking.").toolCall("call_x", "get_weather", "{\"city\":\"Oslo\"}");

        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.weatherTool(AnthropicWire.message(GPT, false)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode content = Api.json(r).path("content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).path("text").asText()).isEqualTo("Checking.");
        assertThat(content.get(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(content.get(1).path("id").asText()).isEqualTo("call_x");
        assertThat(content.get(1).path("input").path("city").asText()).isEqualTo("Oslo");
        assertThat(Api.json(r).path("model").asText()).isEqualTo(GPT);
    }

    @Test
    void aToolResultRoundTripBecomesToolMessagesForOllama() {
        ObjectNode body = AnthropicWire.weatherTool(AnthropicWire.message(OLLAMA_MODEL, false));
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Weather in Oslo?");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        ArrayNode said = assistant.putArray("content");
        said.addObject().put("type", "text").put("text", "Let me look.");
        said.addObject().put("type", "thinking").put("thinking", "hidden").put("signature", "sig");
        ObjectNode use = said.addObject().put("type", "tool_use").put("id", "toolu_01A").put("name", "get_weather");
        use.putObject("input").put("city", "Oslo");
        ArrayNode results = messages.addObject().put("role", "user").putArray("content");
        ObjectNode result = results.addObject().put("type", "tool_result").put("tool_use_id", "toolu_01A");
        result.putArray("content").addObject().put("type", "text").put("text", "12 degrees, rain");
        results.addObject().put("type", "text").put("text", "Thanks, and tomorrow?");

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = ollama.lastChat().body().path("messages");
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0).path("role").asText()).isEqualTo("user");
        assertThat(sent.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(sent.get(1).path("content").asText()).isEqualTo("Let me look.");
        JsonNode call = sent.get(1).path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_01A");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments")).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo("toolu_01A");
        assertThat(sent.get(2).path("tool_name").asText()).isEqualTo("get_weather");
        assertThat(sent.get(2).path("content").asText()).isEqualTo("12 degrees, rain");
        assertThat(sent.get(3).path("role").asText()).isEqualTo("user");
        assertThat(sent.get(3).path("content").asText()).isEqualTo("Thanks, and tomorrow?");
    }

    @Test
    void aToolResultWithStringContentAndIsErrorReachesAnOpenAiUpstreamAsAToolMessage() {
        ObjectNode body = AnthropicWire.weatherTool(AnthropicWire.message(GPT, false));
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Weather in Oslo?");
        ObjectNode use = messages.addObject().put("role", "assistant").putArray("content").addObject()
                .put("type", "tool_use").put("id", "toolu_02B").put("name", "get_weather");
        use.putObject("input").put("city", "Oslo");
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "tool_result")
                .put("tool_use_id", "toolu_02B").put("content", "service unavailable").put("is_error", true);

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = openai.lastChat().body().path("messages");
        assertThat(sent).hasSize(3);
        JsonNode call = sent.get(1).path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_02B");
        assertThat(Api.json(call.path("function").path("arguments").asText())).isEqualTo(Api.json("{\"city\":\"Oslo\"}"));
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo("toolu_02B");
        assertThat(sent.get(2).path("content").asText()).isEqualTo("service unavailable");
    }

    @Test
    void systemBlocksBecomeOneLeadingSystemMessage() {
        ObjectNode body = AnthropicWire.message(OLLAMA_MODEL, false);
        ArrayNode system = body.putArray("system");
        system.addObject().put("type", "text").put("text", "You are terse.");
        system.addObject().put("type", "text").put("text", "Answer in English.").putObject("cache_control").put("type", "ephemeral");

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = ollama.lastChat().body().path("messages");
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.get(0).path("content").asText()).isEqualTo("You are terse.\n\nAnswer in English.");
        assertThat(sent.get(1).path("role").asText()).isEqualTo("user");
    }

    @Test
    void aSystemStringBecomesASystemMessageForOpenAi() {
        ObjectNode body = AnthropicWire.message(GPT, false).put("system", "Be brief.");

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = openai.lastChat().body().path("messages");
        assertThat(sent.get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.get(0).path("content").asText()).isEqualTo("Be brief.");
    }

    @Test
    void aBase64ImageReachesOllamaAsABareImage() {
        ObjectNode body = AnthropicWire.message(OLLAMA_MODEL, false);
        ArrayNode content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "image").putObject("source")
                .put("type", "base64").put("media_type", "image/png").put("data", "iVBORw0KGgo=");
        content.addObject().put("type", "text").put("text", "What is this?");

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = ollama.lastChat().body().path("messages").get(0);
        assertThat(sent.path("content").asText()).isEqualTo("What is this?");
        assertThat(sent.path("images")).hasSize(1);
        assertThat(sent.path("images").get(0).asText()).isEqualTo("iVBORw0KGgo=");
    }

    @Test
    void aUrlImageIsA400ForOllamaButPassesToOpenAi() {
        ObjectNode ollamaBody = AnthropicWire.message(OLLAMA_MODEL, false);
        ollamaBody.putArray("messages").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "image").putObject("source").put("type", "url").put("url", "https://example.com/cat.png");
        ObjectNode gptBody = ollamaBody.deepCopy().put("model", GPT);

        JsonNode error = AnthropicWire.assertError(wire.post("/v1/messages", ollamaBody), 400, "invalid_request_error");
        assertThat(error.path("message").asText()).contains("URL");
        assertThat(ollama.chatRequests()).isEmpty();

        HttpResponse<String> r = wire.post("/v1/messages", gptBody);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode part = openai.lastChat().body().path("messages").get(0).path("content").get(0);
        assertThat(part.path("type").asText()).isEqualTo("image_url");
        assertThat(part.path("image_url").path("url").asText()).isEqualTo("https://example.com/cat.png");
    }

    @Test
    void generationParametersAreTranslatedForOllama() {
        ObjectNode body = AnthropicWire.message(OLLAMA_MODEL, false);
        body.put("max_tokens", 100).put("temperature", 0.2).put("top_p", 0.9).put("top_k", 40);
        body.putArray("stop_sequences").add("END");

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode options = ollama.lastChat().body().path("options");
        assertThat(options.path("num_predict").asInt()).isEqualTo(100);
        assertThat(options.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(options.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(options.path("stop").get(0).asText()).isEqualTo("END");
    }

    @Test
    void hittingMaxTokensIsStopReasonMaxTokens() {
        ObjectNode body = AnthropicWire.message(OLLAMA_MODEL, true).put("max_tokens", 2);

        HttpResponse<String> r = wire.post("/v1/messages", body);

        List<Event> events = AnthropicWire.events(r.body());
        assertThat(AnthropicWire.text(events)).isEqualTo("Hello from");
        assertThat(events.get(events.size() - 2).data().path("delta").path("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void toolChoiceAnyIsRequiredForOpenAiAndDisableParallelToolUseIsKept() {
        ObjectNode body = AnthropicWire.weatherTool(AnthropicWire.message(GPT, false));
        body.putObject("tool_choice").put("type", "any").put("disable_parallel_tool_use", true);

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = openai.lastChat().body();
        assertThat(sent.path("tool_choice").asText()).isEqualTo("required");
        assertThat(sent.path("parallel_tool_calls").isBoolean() && !sent.path("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(sent.path("tools").get(0).path("function").path("parameters").path("required").get(0).asText()).isEqualTo("city");
    }

    @Test
    void aNamedToolChoiceIsA400ForOllamaWhichCannotEnforceIt() {
        ObjectNode body = AnthropicWire.weatherTool(AnthropicWire.message(OLLAMA_MODEL, false));
        body.putObject("tool_choice").put("type", "tool").put("name", "get_weather");

        AnthropicWire.assertError(wire.post("/v1/messages", body), 400, "invalid_request_error");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void aServerToolIsA400ForAProviderThatIsNotAnthropic() {
        ObjectNode body = AnthropicWire.message(OLLAMA_MODEL, false);
        body.putArray("tools").addObject().put("type", "web_search_20250305").put("name", "web_search");

        JsonNode error = AnthropicWire.assertError(wire.post("/v1/messages", body), 400, "invalid_request_error");

        assertThat(error.path("message").asText()).contains("web_search_20250305").contains("anthropic");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void countTokensAnswersAnEstimateWithoutCallingAnUpstream() {
        ObjectNode small = Api.JSON.createObjectNode().put("model", OLLAMA_MODEL);
        small.putArray("messages").addObject().put("role", "user").put("content", "Hi");
        ObjectNode large = small.deepCopy();
        ((ObjectNode) large.path("messages").get(0)).put("content", "word ".repeat(400));
        AnthropicWire.weatherTool(large);

        HttpResponse<String> r1 = wire.post("/v1/messages/count_tokens", small);
        HttpResponse<String> r2 = wire.post("/v1/messages/count_tokens", large);

        assertThat(r1.statusCode()).as(r1.body()).isEqualTo(200);
        assertThat(Api.json(r1).size()).isEqualTo(1);
        long few = Api.json(r1).path("input_tokens").asLong();
        long many = Api.json(r2).path("input_tokens").asLong();
        assertThat(few).isBetween(1L, 20L);
        assertThat(many).isGreaterThan(500L);
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void anAuthorizationBearerKeyWorksAsWellAsXApiKey() {
        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.message(OLLAMA_MODEL, false),
                Map.of("authorization", "Bearer " + RunningGantry.MASTER_KEY));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
