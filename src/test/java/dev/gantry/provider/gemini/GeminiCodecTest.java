package dev.gantry.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.GeminiWire;
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

class GeminiCodecTest {

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ChatRequest request(List<Message> messages) {
        return new ChatRequest("gx", messages, true, false, null, null, null, null, null, null, null, null, null);
    }

    private static ObjectNode encode(ChatRequest request) {
        ObjectNode body = GeminiCodec.chatBody(request);
        GeminiWire.checkGenerate(body); // whatever the codec emits, the API must accept
        return body;
    }

    private static final Tool WEATHER = new Tool("get_weather", "Weather in a city",
            json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}"));

    @Test
    void systemMessagesAnywhereAreHoistedInOrderIntoSystemInstruction() {
        ObjectNode body = encode(request(List.of(
                Message.text(Role.SYSTEM, "be brief"),
                Message.text(Role.USER, "hi"),
                Message.text(Role.SYSTEM, "and kind"))));

        assertThat(body.path("systemInstruction")).isEqualTo(json("{\"parts\":[{\"text\":\"be brief\"},{\"text\":\"and kind\"}]}"));
        assertThat(body.path("contents")).isEqualTo(json("[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]"));
    }

    @Test
    void assistantBecomesModelAndSameRoleNeighboursAreMerged() {
        ObjectNode body = encode(request(List.of(
                Message.text(Role.USER, "a"),
                Message.text(Role.USER, "b"),
                Message.text(Role.ASSISTANT, "c"),
                Message.text(Role.USER, "d"))));

        assertThat(body.path("contents")).isEqualTo(json("""
                [{"role":"user","parts":[{"text":"a"},{"text":"b"}]},
                 {"role":"model","parts":[{"text":"c"}]},
                 {"role":"user","parts":[{"text":"d"}]}]"""));
    }

    @Test
    void inlineImagesBecomeInlineDataWithTheirOrASniffedMimeType() {
        Message m = new Message(Role.USER, List.of(new ContentPart.Text("what is this?"),
                new ContentPart.Image("image/webp", "UklGRabc", null, "high"),
                new ContentPart.Image(null, "/9j/4AAQ", null, null)), null, null, null);

        JsonNode parts = encode(request(List.of(m))).path("contents").path(0).path("parts");

        assertThat(parts).isEqualTo(json("""
                [{"text":"what is this?"},{"inlineData":{"mimeType":"image/webp","data":"UklGRabc"}},
                 {"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}}]"""));
    }

    @Test
    void filesApiUrisBecomeFileDataAndOtherRemoteImagesAreRefused() {
        String uri = "https://generativelanguage.googleapis.com/v1beta/files/abc123";
        Message files = new Message(Role.USER, List.of(new ContentPart.Image(null, null, uri, null)), null, null, null);
        assertThat(encode(request(List.of(files))).path("contents").path(0).path("parts").path(0))
                .isEqualTo(json("{\"fileData\":{\"fileUri\":\"" + uri + "\"}}"));

        Message remote = new Message(Role.USER, List.of(new ContentPart.Image(null, null, "https://example.com/cat.png", null)), null, null, null);
        assertThatThrownBy(() -> GeminiCodec.chatBody(request(List.of(remote))))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void toolCallsBecomeFunctionCallsAndResultsFunctionResponsesNamedAfterTheirCall() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("checking")), List.of(
                new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("call_2", "get_time", "not json")), null, null);
        ObjectNode body = encode(request(List.of(
                Message.text(Role.USER, "weather and time?"),
                assistant,
                new Message(Role.TOOL, List.of(new ContentPart.Text("12C")), null, "call_1", null),
                new Message(Role.TOOL, List.of(new ContentPart.Text("noon")), null, "call_2", null),
                Message.text(Role.USER, "thanks"))));

        assertThat(body.path("contents")).isEqualTo(json("""
                [{"role":"user","parts":[{"text":"weather and time?"}]},
                 {"role":"model","parts":[{"text":"checking"},
                   {"functionCall":{"id":"call_1","name":"get_weather","args":{"city":"Oslo"}}},
                   {"functionCall":{"id":"call_2","name":"get_time","args":{}}}]},
                 {"role":"user","parts":[
                   {"functionResponse":{"id":"call_1","name":"get_weather","response":{"output":"12C"}}},
                   {"functionResponse":{"id":"call_2","name":"get_time","response":{"output":"noon"}}},
                   {"text":"thanks"}]}]"""));
    }

    @Test
    void aToolResultForAnUnknownCallIsA400() {
        assertThatThrownBy(() -> GeminiCodec.chatBody(request(List.of(
                Message.text(Role.USER, "hi"),
                new Message(Role.TOOL, List.of(new ContentPart.Text("x")), null, "call_nobody", null)))))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("call_nobody");
                });
    }

    @Test
    void aThoughtSignatureCarriedInTheIdGoesBackBesideItsFunctionCall() {
        String id = GeminiCallIds.forCall(null, "c2lnbmF0dXJl+/=");
        Message assistant = new Message(Role.ASSISTANT, List.of(), List.of(new ToolCall(id, "get_weather", "{}")), null, null);
        ObjectNode body = encode(request(List.of(Message.text(Role.USER, "hi"), assistant,
                new Message(Role.TOOL, List.of(new ContentPart.Text("ok")), null, id, null))));

        JsonNode call = body.path("contents").path(1).path("parts").path(0);
        String base = id.substring(0, id.indexOf(GeminiCallIds.MARK));
        assertThat(call.path("thoughtSignature").asText()).isEqualTo("c2lnbmF0dXJl+/=");
        assertThat(call.path("functionCall").path("id").asText()).isEqualTo(base);
        assertThat(body.path("contents").path(2).path("parts").path(0).path("functionResponse").path("id").asText()).isEqualTo(base);
    }

    @Test
    void toolsBecomeFunctionDeclarationsWithConvertedParameters() {
        Tool noArgs = new Tool("ping", null, json("{\"type\":\"object\",\"properties\":{}}"));
        ChatRequest r = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), true, false, null, null, null, null,
                null, List.of(WEATHER, noArgs), null, null, null);

        ObjectNode body = encode(r);

        assertThat(body.path("tools")).isEqualTo(json("""
                [{"functionDeclarations":[
                  {"name":"get_weather","description":"Weather in a city",
                   "parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}},
                  {"name":"ping"}]}]"""));
        assertThat(body.has("toolConfig")).isFalse();
    }

    @Test
    void toolChoiceMapsToFunctionCallingModes() {
        assertThat(mode(ToolChoice.AUTO)).isEqualTo(json("{\"mode\":\"AUTO\"}"));
        assertThat(mode(new ToolChoice(ToolChoice.Mode.NONE, null))).isEqualTo(json("{\"mode\":\"NONE\"}"));
        assertThat(mode(new ToolChoice(ToolChoice.Mode.REQUIRED, null))).isEqualTo(json("{\"mode\":\"ANY\"}"));
        assertThat(mode(new ToolChoice(ToolChoice.Mode.NAMED, "get_weather")))
                .isEqualTo(json("{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_weather\"]}"));
        assertThatThrownBy(() -> mode(new ToolChoice(ToolChoice.Mode.NAMED, "other")))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("tool_choice"));
    }

    private static JsonNode mode(ToolChoice choice) {
        ChatRequest r = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), true, false, null, null, null, null,
                null, List.of(WEATHER), choice, null, null);
        return encode(r).path("toolConfig").path("functionCallingConfig");
    }

    @Test
    void samplingParametersGoToGenerationConfigAndBookkeepingIsDropped() {
        ChatRequest r = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), false, false, 256, 0.3, 0.9, 42L,
                List.of("END", "STOP"), null, null, null,
                Map.of("top_k", IntNode.valueOf(40), "presence_penalty", json("0.5"), "user", json("\"u1\""),
                        "metadata", json("{\"a\":1}"), "parallel_tool_calls", json("false")));

        ObjectNode body = encode(r);

        assertThat(body.path("generationConfig")).isEqualTo(json("""
                {"temperature":0.3,"topP":0.9,"topK":40,"maxOutputTokens":256,"stopSequences":["END","STOP"],
                 "seed":42,"presencePenalty":0.5}"""));
        assertThat(body.size()).isEqualTo(2); // contents + generationConfig, nothing else leaks
    }

    @Test
    void aSeedBeyondInt32IsDropped() {
        ChatRequest r = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), false, false, null, null, null,
                1L << 40, null, null, null, null, null);
        assertThat(encode(r).has("generationConfig")).isFalse();
    }

    @Test
    void jsonResponseFormatsSetTheMimeTypeAndAConvertedSchema() {
        ChatRequest object = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), false, false, null, null, null,
                null, null, null, null, new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null), null);
        assertThat(encode(object).path("generationConfig")).isEqualTo(json("{\"responseMimeType\":\"application/json\"}"));

        ChatRequest schema = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), false, false, null, null, null,
                null, null, null, null, new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer",
                json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"integer\",\"null\"]}},\"additionalProperties\":false}")), null);
        assertThat(encode(schema).path("generationConfig")).isEqualTo(json("""
                {"responseMimeType":"application/json",
                 "responseSchema":{"type":"OBJECT","properties":{"a":{"type":"INTEGER","nullable":true}}}}"""));
    }

    @Test
    void moreThanOneChoiceOrLogprobsAreRefused() {
        ChatRequest n = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), false, false, null, null, null,
                null, null, null, null, null, Map.of("n", IntNode.valueOf(2)));
        assertThatThrownBy(() -> GeminiCodec.chatBody(n)).isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("n"));
        ChatRequest lp = new ChatRequest("gx", List.of(Message.text(Role.USER, "hi")), false, false, null, null, null,
                null, null, null, null, null, Map.of("logprobs", json("true")));
        assertThatThrownBy(() -> GeminiCodec.chatBody(lp)).isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("logprobs"));
    }

    @Test
    void onlySystemMessagesIsA400() {
        assertThatThrownBy(() -> GeminiCodec.chatBody(request(List.of(Message.text(Role.SYSTEM, "rules")))))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
