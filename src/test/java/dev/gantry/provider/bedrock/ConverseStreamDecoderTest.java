package dev.gantry.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

class ConverseStreamDecoderTest {

    private static Message event(String type, String json) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString("event"));
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        return new Message(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Message exception(String type, String json) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString("exception"));
        headers.put(":exception-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        return new Message(headers, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTextAnswerBecomesTextChunksThenTheFinishThenUsage() {
        ConverseStreamDecoder d = new ConverseStreamDecoder(false);

        assertThat(d.decode(event("messageStart", "{\"role\":\"assistant\",\"p\":\"abc\"}"))).isNull();
        assertThat(d.decode(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"},\"p\":\"ab\"}")).text()).isEqualTo("Hi");
        assertThat(d.decode(event("contentBlockStop", "{\"contentBlockIndex\":0}"))).isNull();
        assertThat(d.isComplete()).isFalse();
        assertThat(d.decode(event("messageStop", "{\"stopReason\":\"end_turn\"}")).finish()).isEqualTo(FinishReason.STOP);
        assertThat(d.isComplete()).isTrue();
        ChatChunk usage = d.decode(event("metadata",
                "{\"usage\":{\"inputTokens\":10,\"outputTokens\":3,\"totalTokens\":18,\"cacheReadInputTokens\":4,\"cacheWriteInputTokens\":1},\"metrics\":{\"latencyMs\":5}}"));
        assertThat(usage.usage()).isEqualTo(new Usage(15, 3, false));
    }

    @Test
    void toolCallsAreNumberedByCallNotByContentBlock() {
        ConverseStreamDecoder d = new ConverseStreamDecoder(false);
        d.decode(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Checking.\"}}"));

        ChatChunk start = d.decode(event("contentBlockStart",
                "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"f\"}}}"));
        ChatChunk frag = d.decode(event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"x\\\":\"}}}"));
        ChatChunk second = d.decode(event("contentBlockStart",
                "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_2\",\"name\":\"g\"}}}"));
        ChatChunk frag2 = d.decode(event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"1}\"}}}"));

        assertThat(start.toolCalls()).containsExactly(new ToolCallDelta(0, "tooluse_1", "f", ""));
        assertThat(frag.toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "{\"x\":"));
        assertThat(second.toolCalls()).containsExactly(new ToolCallDelta(1, "tooluse_2", "g", ""));
        assertThat(frag2.toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "1}"));
        assertThat(d.decode(event("messageStop", "{\"stopReason\":\"tool_use\"}")).finish()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void stopReasonsMapToCanonicalFinishes() {
        Map<String, FinishReason> table = Map.of(
                "end_turn", FinishReason.STOP, "stop_sequence", FinishReason.STOP,
                "max_tokens", FinishReason.LENGTH, "model_context_window_exceeded", FinishReason.LENGTH,
                "tool_use", FinishReason.TOOL_CALLS,
                "guardrail_intervened", FinishReason.CONTENT_FILTER, "content_filtered", FinishReason.CONTENT_FILTER,
                "malformed_model_output", FinishReason.ERROR, "something_new", FinishReason.STOP);
        table.forEach((reason, expected) -> {
            ConverseStreamDecoder d = new ConverseStreamDecoder(false);
            d.decode(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}}"));
            assertThat(d.decode(event("messageStop", "{\"stopReason\":\"" + reason + "\"}")).finish()).as(reason).isEqualTo(expected);
        });
    }

    @Test
    void malformedOutputBeforeAnyContentIsAnError() {
        ConverseStreamDecoder d = new ConverseStreamDecoder(false);

        assertThatThrownBy(() -> d.decode(event("messageStop", "{\"stopReason\":\"malformed_tool_use\"}")))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }

    @Test
    void exceptionMessagesBecomeErrorsOfTheirKind() {
        Map<String, ErrorKind> table = Map.of(
                "throttlingException", ErrorKind.RATE_LIMITED,
                "serviceUnavailableException", ErrorKind.OVERLOADED,
                "modelStreamErrorException", ErrorKind.UPSTREAM_ERROR,
                "internalServerException", ErrorKind.UPSTREAM_ERROR,
                "validationException", ErrorKind.BAD_REQUEST);
        table.forEach((type, kind) -> assertThatThrownBy(() -> new ConverseStreamDecoder(false)
                .decode(exception(type, "{\"message\":\"went wrong\"}")))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).as(type).isEqualTo(kind);
                    assertThat(e.getMessage()).contains(type).contains("went wrong");
                }));
    }

    @Test
    void reasoningDeltasAreReasoningNotText() {
        ChatChunk c = new ConverseStreamDecoder(false).decode(event("contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"thinking\"}}}"));

        assertThat(c.reasoning()).isEqualTo("thinking");
        assertThat(c.text()).isNull();
    }

    @Test
    void theEmulatedJsonToolStreamsAsTextAndFinishesAsStop() {
        ConverseStreamDecoder d = new ConverseStreamDecoder(true);

        assertThat(d.decode(event("contentBlockStart",
                "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"t\",\"name\":\"json_response\"}}}"))).isNull();
        ChatChunk c = d.decode(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{\\\"a\\\":1}\"}}}"));
        assertThat(c.text()).isEqualTo("{\"a\":1}");
        assertThat(c.toolCalls()).isEmpty();
        assertThat(d.decode(event("messageStop", "{\"stopReason\":\"tool_use\"}")).finish()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void anUnparseablePayloadIsAnUpstreamError() {
        assertThatThrownBy(() -> new ConverseStreamDecoder(false).decode(event("contentBlockDelta", "{not json")))
                .isInstanceOf(GatewayError.class);
    }
}
