package dev.gantry.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.AnthropicRequestCheck;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.ResponseFormat;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.model.ToolChoice;
import dev.gantry.provider.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicCodecTest {

    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    static ChatRequest request(List<Message> messages) {
        return new ChatRequest("public", messages, false, false, null, null, null, null, null, null, null, null, null);
    }

    static ChatRequest withTools(List<Message> messages, List<Tool> tools, ToolChoice choice, Map<String, JsonNode> extra) {
        return new ChatRequest("public", messages, false, false, null, null, null, null, null, tools, choice, null, extra);
    }

    private static ObjectNode body(ChatRequest r) {
        return AnthropicCodec.chatBody(r, "claude-x", null);
    }

    private static Message user(String text) {
        return Message.text(Role.USER, text);
    }

    private static JsonNode schema(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final List<Tool> WEATHER = List.of(new Tool("get_weather", "Weather by city",
            schema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")));

    @Test
    void systemAndDeveloperMessagesAreLiftedOutInOrder() {
        ObjectNode body = body(request(List.of(
                Message.text(Role.SYSTEM, "Be brief."), user("hi"), Message.text(Role.ASSISTANT, "Hello"),
                Message.text(Role.SYSTEM, "Answer in French."), user("weather?"))));

        assertThat(body.path("system").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(body.path("messages").findValuesAsText("role")).containsExactly("user", "assistant", "user");
        assertThat(body.path("messages").get(2).path("content").get(0).path("text").asText()).isEqualTo("weather?");
        assertThat(AnthropicRequestCheck.problem(body)).isNull();
    }

    @Test
    void maxTokensIsTheClientsElseTheDeploymentsElse4096() {
        ChatRequest none = request(List.of(user("hi")));
        ChatRequest some = new ChatRequest("p", List.of(user("hi")), false, false, 123, null, null, null, null, null, null, null, null);

        assertThat(AnthropicCodec.chatBody(some, "m", 777).path("max_tokens").asInt()).isEqualTo(123);
        assertThat(AnthropicCodec.chatBody(none, "m", 777).path("max_tokens").asInt()).isEqualTo(777);
        assertThat(AnthropicCodec.chatBody(none, "m", null).path("max_tokens").asInt()).isEqualTo(4096);
    }

    @Test
    void theUpstreamIsAlwaysAskedToStreamWithTheDeploymentsModel() {
        ObjectNode body = body(request(List.of(user("hi"))));
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("model").asText()).isEqualTo("claude-x");
    }

    @Test
    void samplingMapsStopBecomesStopSequencesAndTemperatureIsClampedToOne() {
        ChatRequest r = new ChatRequest("p", List.of(user("hi")), true, true, null, 1.6, 0.9, 42L, List.of("END", "\n\n"),
                null, null, null, Map.of("top_k", Json.MAPPER.getNodeFactory().numberNode(5),
                        "presence_penalty", Json.MAPPER.getNodeFactory().numberNode(1),
                        "user", Json.MAPPER.getNodeFactory().textNode("u-1")));
        ObjectNode body = body(r);

        assertThat(body.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("top_k").asInt()).isEqualTo(5);
        assertThat(body.path("stop_sequences").toString()).isEqualTo("[\"END\",\"\\n\\n\"]");
        assertThat(body.has("seed")).isFalse();
        assertThat(body.has("presence_penalty")).isFalse();
        assertThat(body.has("user")).isFalse();
        assertThat(AnthropicRequestCheck.problem(body)).isNull();
    }

    @Test
    void toolsCarryTheirSchemaAsInputSchemaAndToolChoiceMaps() {
        Object[][] table = {
            {null, null}, {ToolChoice.AUTO, "{\"type\":\"auto\"}"},
            {new ToolChoice(ToolChoice.Mode.NONE, null), "{\"type\":\"none\"}"},
            {new ToolChoice(ToolChoice.Mode.REQUIRED, null), "{\"type\":\"any\"}"},
            {new ToolChoice(ToolChoice.Mode.NAMED, "get_weather"), "{\"type\":\"tool\",\"name\":\"get_weather\"}"}};
        for (Object[] row : table) {
            ObjectNode body = body(withTools(List.of(user("hi")), WEATHER, (ToolChoice) row[0], null));
            JsonNode tool = body.path("tools").get(0);
            assertThat(tool.path("name").asText()).isEqualTo("get_weather");
            assertThat(tool.path("description").asText()).isEqualTo("Weather by city");
            assertThat(tool.path("input_schema").path("properties").path("city").path("type").asText()).isEqualTo("string");
            assertThat(body.has("tool_choice") ? body.get("tool_choice").toString() : null).as("%s", row[0]).isEqualTo(row[1]);
            assertThat(AnthropicRequestCheck.problem(body)).isNull();
        }
    }

    @Test
    void aToolWithoutParametersGetsAnObjectSchema() {
        ObjectNode body = body(withTools(List.of(user("hi")), List.of(new Tool("now", null, null)), null, null));
        assertThat(body.path("tools").get(0).path("input_schema").toString()).isEqualTo("{\"type\":\"object\"}");
        assertThat(body.path("tools").get(0).has("description")).isFalse();
    }

    @Test
    void toolChoiceWithoutToolsIsLeftOut() {
        ObjectNode body = body(withTools(List.of(user("hi")), List.of(), new ToolChoice(ToolChoice.Mode.REQUIRED, null), null));
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
    }

    @Test
    void parallelToolCallsFalseDisablesParallelToolUse() {
        Map<String, JsonNode> extra = Map.of("parallel_tool_calls", Json.MAPPER.getNodeFactory().booleanNode(false));
        assertThat(body(withTools(List.of(user("hi")), WEATHER, null, extra)).get("tool_choice").toString())
                .isEqualTo("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}");
        assertThat(body(withTools(List.of(user("hi")), WEATHER, new ToolChoice(ToolChoice.Mode.REQUIRED, null), extra)).get("tool_choice").toString())
                .isEqualTo("{\"type\":\"any\",\"disable_parallel_tool_use\":true}");
    }

    @Test
    void toolResultsBecomeToolResultBlocksOpeningOneUserTurn() {
        Message calls = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Checking.")), List.of(
                new ToolCall("toolu_a", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("toolu_b", "get_weather", "{\"city\":\"Bergen\"}")), null, null);
        ObjectNode body = body(request(List.of(user("weather?"), calls,
                new Message(Role.TOOL, List.of(new ContentPart.Text("12C")), List.of(), "toolu_a", null),
                new Message(Role.TOOL, List.of(new ContentPart.Text("9C")), List.of(), "toolu_b", null),
                user("and tomorrow?"))));

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode assistant = messages.get(1).path("content");
        assertThat(assistant.findValuesAsText("type")).containsExactly("text", "tool_use", "tool_use");
        assertThat(assistant.get(1).path("input").toString()).isEqualTo("{\"city\":\"Oslo\"}");
        JsonNode results = messages.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content").findValuesAsText("type")).containsExactly("tool_result", "tool_result", "text");
        assertThat(results.path("content").get(0).path("tool_use_id").asText()).isEqualTo("toolu_a");
        assertThat(results.path("content").get(1).path("content").asText()).isEqualTo("9C");
        assertThat(AnthropicRequestCheck.problem(body)).isNull();
    }

    @Test
    void toolIdsAreRewrittenTheSameWayOnCallAndResult() {
        Message call = new Message(Role.ASSISTANT, List.of(), List.of(new ToolCall("call.1:x/y", "f", "{}")), null, null);
        ObjectNode body = body(request(List.of(user("go"), call,
                new Message(Role.TOOL, List.of(new ContentPart.Text("done")), List.of(), "call.1:x/y", null))));

        assertThat(body.path("messages").get(1).path("content").get(0).path("id").asText()).isEqualTo("call_1_x_y");
        assertThat(body.path("messages").get(2).path("content").get(0).path("tool_use_id").asText()).isEqualTo("call_1_x_y");
        assertThat(AnthropicRequestCheck.problem(body)).isNull();
    }

    @Test
    void argumentsThatAreNotAJsonObjectBecomeAnEmptyInput() {
        Message call = new Message(Role.ASSISTANT, List.of(), List.of(new ToolCall("t1", "f", "{broken"),
                new ToolCall("t2", "f", "[1,2]")), null, null);
        ObjectNode body = body(request(List.of(user("go"), call)));
        assertThat(body.path("messages").get(1).path("content").get(0).path("input").toString()).isEqualTo("{}");
        assertThat(body.path("messages").get(1).path("content").get(1).path("input").toString()).isEqualTo("{}");
    }

    @Test
    void imagesBecomeBase64OrUrlSourcesAndTheirDetailIsDropped() {
        Message m = new Message(Role.USER, List.of(new ContentPart.Text("what is this?"),
                new ContentPart.Image("image/jpeg", "/9j/4AAQ", null, "high"),
                new ContentPart.Image(null, PNG, null, null),
                new ContentPart.Image(null, null, "https://example.com/cat.png", "low")), List.of(), null, null);
        JsonNode content = body(request(List.of(m))).path("messages").get(0).path("content");

        assertThat(content.get(1).toString()).isEqualTo("{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\"/9j/4AAQ\"}}");
        assertThat(content.get(2).path("source").path("media_type").asText()).isEqualTo("image/png"); // sniffed
        assertThat(content.get(3).toString()).isEqualTo("{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.png\"}}");
    }

    @Test
    void mediaTypesAreSniffedFromMagicBytes() {
        assertThat(AnthropicCodec.sniff(PNG)).isEqualTo("image/png");
        assertThat(AnthropicCodec.sniff("/9j/4AAQSkZJRg")).isEqualTo("image/jpeg");
        assertThat(AnthropicCodec.sniff("R0lGODlhAQABAAAAACw=")).isEqualTo("image/gif");
        assertThat(AnthropicCodec.sniff("UklGRiQAAABXRUJQVlA4IBgAAAAw")).isEqualTo("image/webp");
        assertThat(AnthropicCodec.sniff("AAAAIGZ0eXBhdmlm")).isNull();
    }

    @Test
    void anImageOfAnUnsupportedTypeIsRefused() {
        Message m = new Message(Role.USER, List.of(new ContentPart.Image("image/bmp", "Qk0=", null, null)), List.of(), null, null);
        assertThatThrownBy(() -> body(request(List.of(m))))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("messages[0].content"));
    }

    @Test
    void emptyTextAndEmptyTurnsAreDroppedAndTheirNeighboursMerged() {
        ObjectNode body = body(request(List.of(user("a"), Message.text(Role.ASSISTANT, ""), user(""), user("b"))));
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).path("content").findValuesAsText("text")).containsExactly("a", "b");
        assertThat(AnthropicRequestCheck.problem(body)).isNull();
    }

    @Test
    void severalChoicesAndLogprobsAreRefused() {
        var f = Json.MAPPER.getNodeFactory();
        assertThatThrownBy(() -> body(withTools(List.of(user("hi")), null, null, Map.of("n", f.numberNode(2)))))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("n"));
        assertThatThrownBy(() -> body(withTools(List.of(user("hi")), null, null, Map.of("logprobs", f.booleanNode(true)))))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("logprobs"));
    }

    @Test
    void aJsonAnswerIsAskedForAsAForcedToolCall() {
        ChatRequest object = new ChatRequest("p", List.of(user("hi")), false, false, null, null, null, null, null, null, null,
                new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null), null);
        ObjectNode body = body(object);
        assertThat(body.path("tools")).hasSize(1);
        assertThat(body.path("tools").get(0).path("name").asText()).isEqualTo(AnthropicCodec.JSON_TOOL);
        assertThat(body.path("tools").get(0).path("input_schema").toString()).isEqualTo("{\"type\":\"object\"}");
        assertThat(body.path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"json_response\"}");
        assertThat(AnthropicCodec.emulatesJson(object)).isTrue();
        assertThat(AnthropicRequestCheck.problem(body)).isNull();

        JsonNode s = schema("{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}");
        ChatRequest withSchema = new ChatRequest("p", List.of(user("hi")), false, false, null, null, null, null, null, WEATHER, null,
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer", s), null);
        ObjectNode both = body(withSchema);
        assertThat(both.path("tools").findValuesAsText("name")).containsExactly("get_weather", "json_response");
        assertThat(both.path("tools").get(1).path("input_schema")).isEqualTo(s);
        assertThat(both.path("tool_choice").toString()).isEqualTo("{\"type\":\"any\"}");
    }

    @Test
    void aJsonSchemaThatIsNotAnObjectIsRefused() {
        ChatRequest r = new ChatRequest("p", List.of(user("hi")), false, false, null, null, null, null, null, null, null,
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "list", schema("{\"type\":\"array\"}")), null);
        assertThatThrownBy(() -> body(r)).isInstanceOf(GatewayError.class);
    }

    @Test
    void toolIdRewritingKeepsValidIds() {
        assertThat(AnthropicCodec.toolId("toolu_01A-b")).isEqualTo("toolu_01A-b");
        assertThat(AnthropicCodec.toolId("a b")).isEqualTo("a_b");
        assertThat(AnthropicCodec.toolId("")).isEqualTo("_");
        assertThat(AnthropicCodec.toolId("ü")).isEqualTo("_");
    }
}
