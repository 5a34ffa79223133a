package dev.gantry.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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

class ConverseCodecTest {

    private static ChatRequest request(List<Message> messages, List<Tool> tools, ToolChoice choice, ResponseFormat format) {
        return new ChatRequest("m", messages, false, false, null, null, null, null, null, tools, choice, format, Map.of());
    }

    private static ChatRequest request(Message... messages) {
        return request(List.of(messages), null, null, null);
    }

    private static Message image(String mediaType, String base64, String url) {
        return new Message(Role.USER, List.of(new ContentPart.Text("look"), new ContentPart.Image(mediaType, base64, url, "high")),
                List.of(), null, null);
    }

    private static final Tool WEATHER = new Tool("get_weather", "Weather", Json.MAPPER.createObjectNode().put("type", "object"));

    @Test
    void systemMessagesAnywhereAreHoistedInOrder() {
        JsonNode body = ConverseCodec.body(request(Message.text(Role.SYSTEM, "one"), Message.text(Role.USER, "hi"),
                Message.text(Role.SYSTEM, "two")), null);

        assertThat(body.path("system").findValuesAsText("text")).containsExactly("one", "two");
        assertThat(body.path("messages")).hasSize(1);
    }

    @Test
    void sameRoleNeighboursAreMergedAndEmptyTextIsDropped() {
        JsonNode body = ConverseCodec.body(request(Message.text(Role.USER, "a"), Message.text(Role.USER, ""),
                Message.text(Role.USER, "b"), Message.text(Role.ASSISTANT, ""), Message.text(Role.ASSISTANT, "c")), null);

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.path(0).path("content").findValuesAsText("text")).containsExactly("a", "b");
        assertThat(messages.path(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.path(1).path("content").findValuesAsText("text")).containsExactly("c");
    }

    @Test
    void toolCallsAndResultsBecomeToolUseAndToolResultWithTheSameSafeIds() {
        Message call = new Message(Role.ASSISTANT, List.of(), List.of(new ToolCall("call:1", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("c2", "get_weather", "not json")), null, null);
        Message r1 = new Message(Role.TOOL, List.of(new ContentPart.Text("12 C")), List.of(), "call:1", null);
        Message r2 = new Message(Role.TOOL, List.of(new ContentPart.Text("9 C")), List.of(), "c2", null);

        JsonNode body = ConverseCodec.body(request(List.of(Message.text(Role.USER, "weather?"), call, r1, r2,
                Message.text(Role.USER, "thanks")), List.of(WEATHER), null, null), null);

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode use = messages.path(1).path("content").path(0).path("toolUse");
        assertThat(use.path("toolUseId").asText()).isEqualTo("call_1");
        assertThat(use.path("input").path("city").asText()).isEqualTo("Oslo");
        assertThat(messages.path(1).path("content").path(1).path("toolUse").path("input").isObject())
                .as("unparseable arguments fall back to {}").isTrue();
        JsonNode results = messages.path(2).path("content");
        assertThat(results).hasSize(3);
        assertThat(results.path(0).path("toolResult").path("toolUseId").asText()).isEqualTo("call_1");
        assertThat(results.path(0).path("toolResult").path("content").path(0).path("text").asText()).isEqualTo("12 C");
        assertThat(results.path(0).path("toolResult").path("status").asText()).isEqualTo("success");
        assertThat(results.path(2).path("text").asText()).isEqualTo("thanks");
    }

    @Test
    void toolChoicesMapToAutoAnyAndTool() {
        assertThat(ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), List.of(WEATHER), ToolChoice.AUTO, null), null)
                .path("toolConfig").path("toolChoice").has("auto")).isTrue();
        assertThat(ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), List.of(WEATHER),
                new ToolChoice(ToolChoice.Mode.REQUIRED, null), null), null).path("toolConfig").path("toolChoice").has("any")).isTrue();
        JsonNode named = ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), List.of(WEATHER),
                new ToolChoice(ToolChoice.Mode.NAMED, "get_weather"), null), null);
        assertThat(named.path("toolConfig").path("toolChoice").path("tool").path("name").asText()).isEqualTo("get_weather");
        JsonNode none = ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), List.of(WEATHER),
                new ToolChoice(ToolChoice.Mode.NONE, null), null), null);
        assertThat(none.has("toolConfig")).isFalse();
        JsonNode unset = ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), List.of(WEATHER), null, null), null);
        assertThat(unset.path("toolConfig").path("tools").path(0).path("toolSpec").path("inputSchema").path("json").path("type").asText())
                .isEqualTo("object");
        assertThat(unset.path("toolConfig").has("toolChoice")).isFalse();
    }

    @Test
    void theDeploymentsMaxTokensIsTheDefault() {
        assertThat(ConverseCodec.body(request(Message.text(Role.USER, "x")), 256).path("inferenceConfig").path("maxTokens").asInt())
                .isEqualTo(256);
        assertThat(ConverseCodec.body(request(Message.text(Role.USER, "x")), null).has("inferenceConfig")).isFalse();
    }

    @Test
    void inlineImagesTakeTheShortFormatNameAndBareBase64IsSniffed() {
        JsonNode typed = ConverseCodec.body(request(image("image/webp", "UklGRgAAAABXRUJQ", null)), null);
        assertThat(typed.path("messages").path(0).path("content").path(1).path("image").path("format").asText()).isEqualTo("webp");

        JsonNode png = ConverseCodec.body(request(image(null, "iVBORw0KGgoAAAANSUhEUg==", null)), null);
        JsonNode image = png.path("messages").path(0).path("content").path(1).path("image");
        assertThat(image.path("format").asText()).isEqualTo("png");
        assertThat(image.path("source").path("bytes").asText()).isEqualTo("iVBORw0KGgoAAAANSUhEUg==");
    }

    @Test
    void remoteAndUnsupportedImagesAreBadRequests() {
        assertThatThrownBy(() -> ConverseCodec.body(request(image(null, null, "https://example.com/a.png")), null))
                .isInstanceOf(GatewayError.class).hasMessageContaining("inline");
        assertThatThrownBy(() -> ConverseCodec.body(request(image("image/tiff", "AAAA", null)), null))
                .isInstanceOf(GatewayError.class).hasMessageContaining("image/tiff");
    }

    @Test
    void jsonOutputIsAForcedToolCarryingTheSchema() {
        JsonNode schema = Json.MAPPER.createObjectNode().put("type", "object");
        JsonNode body = ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), null, null,
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer", schema)), null);

        JsonNode config = body.path("toolConfig");
        assertThat(config.path("tools").path(0).path("toolSpec").path("name").asText()).isEqualTo(ConverseCodec.JSON_TOOL);
        assertThat(config.path("tools").path(0).path("toolSpec").path("inputSchema").path("json")).isEqualTo(schema);
        assertThat(config.path("toolChoice").path("tool").path("name").asText()).isEqualTo(ConverseCodec.JSON_TOOL);
        assertThatThrownBy(() -> ConverseCodec.body(request(List.of(Message.text(Role.USER, "x")), List.of(WEATHER), null,
                new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null)), null)).isInstanceOf(GatewayError.class);
    }
}
