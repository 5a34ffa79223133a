package dev.gantry.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.framing.SseEvent;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class OpenAiStreamDecoderTest {

    private final OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();

    private ChatChunk decode(String data) {
        return decoder.decode(new SseEvent(null, data, null, Buffer.buffer("data: " + data + "\n\n")));
    }

    private static String choice(String delta, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    @Test
    void aContentDeltaBecomesATextChunk() {
        ChatChunk chunk = decode(choice("{\"role\":\"assistant\",\"content\":\"Hel\"}", null));
        assertThat(chunk.text()).isEqualTo("Hel");
        assertThat(chunk.finish()).isNull();
        assertThat(chunk.usage()).isNull();
        assertThat(decoder.isComplete()).isFalse();
    }

    @Test
    void aRoleOnlyDeltaCarriesNothing() {
        assertThat(decode(choice("{\"role\":\"assistant\",\"content\":\"\"}", null))).isNull();
        assertThat(decode(choice("{\"role\":\"assistant\",\"content\":null}", null))).isNull();
    }

    @Test
    void reasoningContentAndReasoningBothBecomeReasoning() {
        assertThat(decode(choice("{\"reasoning_content\":\"think\"}", null)).reasoning()).isEqualTo("think");
        assertThat(decode(choice("{\"reasoning\":\"ponder\"}", null)).reasoning()).isEqualTo("ponder");
    }

    @Test
    void toolCallFragmentsKeepTheirIndexIdNameAndArgumentPieces() {
        ChatChunk start = decode(choice("{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null));
        ChatChunk piece = decode(choice("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}", null));
        ChatChunk second = decode(choice("{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"function\":{\"name\":\"t\",\"arguments\":\"{}\"}}]}", null));

        assertThat(start.toolCalls()).containsExactly(new ToolCallDelta(0, "call_a", "get_weather", ""));
        assertThat(start.toolCalls().get(0).startsCall()).isTrue();
        assertThat(piece.toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "{\"ci"));
        assertThat(piece.toolCalls().get(0).startsCall()).isFalse();
        assertThat(second.toolCalls()).containsExactly(new ToolCallDelta(1, "call_b", "t", "{}"));
    }

    @Test
    void finishReasonsMapToCanonicalReasons() {
        String[][] cases = {
            {"stop", "STOP"}, {"length", "LENGTH"}, {"tool_calls", "TOOL_CALLS"}, {"function_call", "TOOL_CALLS"},
            {"content_filter", "CONTENT_FILTER"}, {"eos", "STOP"}};
        for (String[] c : cases) {
            OpenAiStreamDecoder d = new OpenAiStreamDecoder();
            ChatChunk chunk = d.decode(new SseEvent(null, choice("{}", c[0]), null, Buffer.buffer()));
            assertThat(chunk.finish()).as(c[0]).isEqualTo(FinishReason.valueOf(c[1]));
            assertThat(d.isComplete()).isTrue();
            assertThat(d.sawDone()).isFalse();
        }
    }

    @Test
    void aUsageChunkWithEmptyChoicesCarriesOnlyUsage() {
        ChatChunk chunk = decode("{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46}}");
        assertThat(chunk.usage()).isEqualTo(new Usage(12, 34, false));
        assertThat(chunk.text()).isNull();
        assertThat(chunk.finish()).isNull();
    }

    @Test
    void usageOnTheFinishChunkIsKept() {
        ChatChunk chunk = decode("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}");
        assertThat(chunk.finish()).isEqualTo(FinishReason.STOP);
        assertThat(chunk.usage()).isEqualTo(new Usage(1, 2, false));
    }

    @Test
    void emptyChoicesWithoutUsageAndNullUsageCarryNothing() {
        assertThat(decode("{\"choices\":[]}")).isNull();
        assertThat(decode("{\"choices\":[],\"usage\":null}")).isNull();
    }

    @Test
    void doneMarksTheStreamCompleteAndYieldsNoChunk() {
        assertThat(decode("[DONE]")).isNull();
        assertThat(decoder.sawDone()).isTrue();
        assertThat(decoder.isComplete()).isTrue();
    }

    @Test
    void anEventWithoutDataYieldsNoChunk() {
        assertThat(decoder.decode(new SseEvent("ping", null, null, Buffer.buffer()))).isNull();
    }

    @Test
    void anErrorObjectInDataIsAnUpstreamErrorWithItsMessage() {
        assertThatThrownBy(() -> decode("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR))
                .hasMessageContaining("The server had an error");
    }

    @Test
    void aStringErrorInDataIsAnUpstreamError() {
        assertThatThrownBy(() -> decode("{\"error\":\"overloaded\"}"))
                .isInstanceOf(GatewayError.class)
                .hasMessageContaining("overloaded");
    }

    @Test
    void anErrorNamedEventIsAnUpstreamError() {
        assertThatThrownBy(() -> decoder.decode(new SseEvent("error", "{\"message\":\"boom\"}", null, Buffer.buffer())))
                .isInstanceOf(GatewayError.class)
                .hasMessageContaining("boom");
    }

    @Test
    void aLlamaCppErrorFieldIsAnUpstreamError() {
        assertThatThrownBy(() -> decoder.decode(new SseEvent(null, null, "{\"code\":500,\"message\":\"slot failed\"}", Buffer.buffer())))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR))
                .hasMessageContaining("slot failed");
    }

    @Test
    void dataThatIsNotJsonIsAnUpstreamError() {
        assertThatThrownBy(() -> decode("{not json"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }
}
