package dev.gantry.provider.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.ErrorKind;
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

class OllamaCodecTest {

    private static final Tool WEATHER = new Tool("get_weather", "Weather for a city",
            json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ChatRequest request(List<Message> messages) {
        return new ChatRequest("m", messages, true, false, null, null, null, null, null, null, null, null, null);
    }

    private static ChatRequest withTools(List<Tool> tools, ToolChoice choice) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), true, false, null, null, null, null, null,
                tools, choice, null, null);
    }

    private static ChatRequest withFormat(ResponseFormat format) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), true, false, null, null, null, null, null,
                null, null, format, null);
    }

    @Test
    void theBodyNamesTheUpstreamModelAndAlwaysStreams() {
        ObjectNode body = OllamaCodec.chatBody(request(List.of(Message.text(Role.USER, "hi"))), "llama3:8b");
        assertThat(body.path("model").asText()).isEqualTo("llama3:8b");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("format")).isFalse();
        assertThat(body.has("options")).as("no options object when nothing was set").isFalse();
    }

    @Test
    void rolesMapToOllamaRoleNamesAndTextPartsAreJoined() {
        ObjectNode body = OllamaCodec.chatBody(request(List.of(
                Message.text(Role.SYSTEM, "be brief"),
                new Message(Role.USER, List.of(new ContentPart.Text("a"), new ContentPart.Text("b")), null, null, null),
                Message.text(Role.ASSISTANT, "ok"))), "m");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("be brief");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("ab");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("assistant");
    }

    @Test
    void inlineImagesAreSentAsBareBase64() {
        Message m = new Message(Role.USER, List.of(
                new ContentPart.Text("what is this?"),
                new ContentPart.Image("image/png", "iVBORw0KGgo=", null, null),
                new ContentPart.Image("image/jpeg", "/9j/4AAQ", null, "high")), null, null, null);
        JsonNode msg = OllamaCodec.chatBody(request(List.of(m)), "llava").path("messages").get(0);
        assertThat(msg.path("content").asText()).isEqualTo("what is this?");
        assertThat(msg.path("images")).hasSize(2);
        assertThat(msg.path("images").get(0).asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(msg.path("images").get(1).asText()).isEqualTo("/9j/4AAQ");
    }

    @Test
    void aRemoteImageUrlIsABadRequest() {
        Message m = new Message(Role.USER, List.of(new ContentPart.Image(null, null, "https://example.com/cat.png", null)),
                null, null, null);
        assertThatThrownBy(() -> OllamaCodec.chatBody(request(List.of(m)), "llava"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessageContaining("data:");
    }

    @Test
    void assistantToolCallsCarryArgumentsAsObjectsAndToolResultsGetTheCalledFunctionsName() {
        Message assistant = new Message(Role.ASSISTANT, List.of(), List.of(
                new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_2", "get_time", "not json"),
                new ToolCall("call_3", "list", "")), null, null);
        Message result1 = new Message(Role.TOOL, List.of(new ContentPart.Text("22C")), null, "call_1", null);
        Message result2 = new Message(Role.TOOL, List.of(new ContentPart.Text("noon")), null, "call_2", null);
        Message orphan = new Message(Role.TOOL, List.of(new ContentPart.Text("?")), null, "call_unknown", null);

        JsonNode messages = OllamaCodec.chatBody(request(List.of(Message.text(Role.USER, "hi"), assistant, result1, result2, orphan)), "m")
                .path("messages");

        JsonNode calls = messages.get(1).path("tool_calls");
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).path("function").path("arguments").isObject()).isTrue();
        assertThat(calls.get(0).path("function").path("arguments").path("city").asText()).isEqualTo("Paris");
        assertThat(calls.get(1).path("function").path("arguments")).isEqualTo(Json.MAPPER.createObjectNode());
        assertThat(calls.get(2).path("function").path("arguments")).isEqualTo(Json.MAPPER.createObjectNode());

        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_name").asText()).isEqualTo("get_weather");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("22C");
        assertThat(messages.get(3).path("tool_name").asText()).isEqualTo("get_time");
        assertThat(messages.get(4).has("tool_name")).isFalse();
    }

    @Test
    void samplingParametersMapToOllamaOptions() {
        ChatRequest r = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), true, false,
                128, 0.7, 0.9, 42L, List.of("END", "\n\n"), null, null, null, null);
        JsonNode options = OllamaCodec.chatBody(r, "m").path("options");
        assertThat(options.path("num_predict").asInt()).isEqualTo(128);
        assertThat(options.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(options.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(options.path("seed").asLong()).isEqualTo(42L);
        assertThat(options.path("stop")).hasSize(2);
        assertThat(options.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(options.path("stop").get(1).asText()).isEqualTo("\n\n");
        assertThat(options.has("max_tokens")).isFalse();
    }

    @Test
    void clientOptionsAndPenaltiesPassThroughButExplicitFieldsWin() {
        ChatRequest r = new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), true, false,
                10, null, null, null, null, null, null, null,
                Map.of("options", json("{\"num_ctx\":8192,\"num_predict\":999}"),
                        "presence_penalty", json("0.5"),
                        "keep_alive", json("\"5m\"")));
        ObjectNode body = OllamaCodec.chatBody(r, "m");
        assertThat(body.path("options").path("num_ctx").asInt()).isEqualTo(8192);
        assertThat(body.path("options").path("num_predict").asInt()).isEqualTo(10);
        assertThat(body.path("options").path("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.path("keep_alive").asText()).isEqualTo("5m");
    }

    @Test
    void jsonObjectFormatBecomesFormatJson() {
        ObjectNode body = OllamaCodec.chatBody(withFormat(new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null)), "m");
        assertThat(body.path("format").asText()).isEqualTo("json");
    }

    @Test
    void jsonSchemaFormatSendsTheSchemaItself() {
        JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}");
        ObjectNode body = OllamaCodec.chatBody(withFormat(new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer", schema)), "m");
        assertThat(body.path("format")).isEqualTo(schema);
    }

    @Test
    void textFormatSendsNoFormat() {
        ObjectNode body = OllamaCodec.chatBody(withFormat(new ResponseFormat(ResponseFormat.Type.TEXT, null, null)), "m");
        assertThat(body.has("format")).isFalse();
    }

    @Test
    void toolsAreSentAsFunctionsWithAutoOrNoChoice() {
        for (ToolChoice choice : new ToolChoice[] {null, ToolChoice.AUTO}) {
            JsonNode tools = OllamaCodec.chatBody(withTools(List.of(WEATHER, new Tool("bare", null, null)), choice), "m").path("tools");
            assertThat(tools).hasSize(2);
            assertThat(tools.get(0).path("type").asText()).isEqualTo("function");
            assertThat(tools.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
            assertThat(tools.get(0).path("function").path("description").asText()).isEqualTo("Weather for a city");
            assertThat(tools.get(0).path("function").path("parameters")).isEqualTo(WEATHER.parameters());
            assertThat(tools.get(1).path("function").has("description")).isFalse();
            assertThat(tools.get(1).path("function").has("parameters")).isFalse();
        }
    }

    @Test
    void toolChoiceRequiredIsABadRequestNamingTheParam() {
        assertThatThrownBy(() -> OllamaCodec.chatBody(withTools(List.of(WEATHER), new ToolChoice(ToolChoice.Mode.REQUIRED, null)), "m"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("tool_choice");
                });
        assertThatThrownBy(() -> OllamaCodec.chatBody(withTools(List.of(WEATHER), new ToolChoice(ToolChoice.Mode.NAMED, "get_weather")), "m"))
                .isInstanceOf(GatewayError.class);
    }

    @Test
    void toolChoiceNoneSendsNoTools() {
        ObjectNode body = OllamaCodec.chatBody(withTools(List.of(WEATHER), new ToolChoice(ToolChoice.Mode.NONE, null)), "m");
        assertThat(body.has("tools")).isFalse();
    }
}
