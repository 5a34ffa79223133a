package dev.gantry.provider.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class OllamaStreamDecoderTest {

    private final OllamaStreamDecoder decoder = new OllamaStreamDecoder();

    private ChatChunk decode(String line) {
        return decoder.decode(Buffer.buffer(line));
    }

    @Test
    void aContentLineBecomesATextChunkWithoutFinishOrUsage() {
        ChatChunk chunk = decode("{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}");
        assertThat(chunk.text()).isEqualTo("Hel");
        assertThat(chunk.reasoning()).isNull();
        assertThat(chunk.toolCalls()).isEmpty();
        assertThat(chunk.finish()).isNull();
        assertThat(chunk.usage()).isNull();
        assertThat(decoder.isDone()).isFalse();
    }

    @Test
    void thinkingIsReportedAsReasoningAndEmptyContentAsNoText() {
        ChatChunk chunk = decode("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"hmm\"},\"done\":false}");
        assertThat(chunk.text()).isNull();
        assertThat(chunk.reasoning()).isEqualTo("hmm");
    }

    @Test
    void doneWithStopReportsStopAndUsageFromEvalCounts() {
        decode("{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}");
        ChatChunk last = decode("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                + "\"prompt_eval_count\":26,\"eval_count\":290,\"total_duration\":123}");
        assertThat(last.finish()).isEqualTo(FinishReason.STOP);
        assertThat(last.usage()).isEqualTo(new Usage(26, 290, false));
        assertThat(last.text()).isNull();
        assertThat(decoder.isDone()).isTrue();
    }

    @Test
    void doneWithoutAReasonMeansStopAndMissingCountsMeanZero() {
        ChatChunk last = decode("{\"done\":true}");
        assertThat(last.finish()).isEqualTo(FinishReason.STOP);
        assertThat(last.usage()).isEqualTo(new Usage(0, 0, false));
    }

    @Test
    void doneWithLengthReportsLength() {
        assertThat(decode("{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"length\",\"eval_count\":5}").finish())
                .isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void stopAfterToolCallsReportsToolCalls() {
        decode("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},\"done\":false}");
        ChatChunk last = decode("{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}");
        assertThat(last.finish()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void wholeToolCallsWithoutIdsGetSynthesisedIdsAndRunningIndexes() {
        ChatChunk first = decode("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\",\"days\":2}}},"
                + "{\"function\":{\"name\":\"get_time\",\"arguments\":{}}}]},\"done\":false}");
        ChatChunk second = decode("{\"message\":{\"content\":\"\",\"tool_calls\":["
                + "{\"function\":{\"name\":\"noop\"}}]},\"done\":false}");

        assertThat(first.toolCalls()).hasSize(2);
        ToolCallDelta weather = first.toolCalls().get(0);
        assertThat(weather.index()).isEqualTo(0);
        assertThat(weather.id()).matches("call_[A-Za-z0-9]{24}");
        assertThat(weather.name()).isEqualTo("get_weather");
        assertThat(weather.argumentsFragment()).isEqualTo("{\"city\":\"Paris\",\"days\":2}");
        assertThat(first.toolCalls().get(1).index()).isEqualTo(1);
        assertThat(first.toolCalls().get(1).argumentsFragment()).isEqualTo("{}");
        assertThat(first.toolCalls().get(1).id()).matches("call_[A-Za-z0-9]{24}").isNotEqualTo(weather.id());

        ToolCallDelta noop = second.toolCalls().get(0);
        assertThat(noop.index()).isEqualTo(2);
        assertThat(noop.argumentsFragment()).as("missing arguments become an empty object").isEqualTo("{}");
    }

    @Test
    void toolCallIdsSentByTheUpstreamAreKept() {
        ChatChunk chunk = decode("{\"message\":{\"content\":\"\",\"tool_calls\":[{\"id\":\"call_abc\",\"function\":{\"index\":0,"
                + "\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}]},\"done\":false}");
        assertThat(chunk.toolCalls()).containsExactly(new ToolCallDelta(0, "call_abc", "f", "{\"x\":1}"));
    }

    @Test
    void anInBandErrorLineBecomesAnUpstreamError() {
        assertThatThrownBy(() -> decode("{\"error\":\"model runner has unexpectedly stopped\"}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR))
                .hasMessageContaining("model runner has unexpectedly stopped");
    }

    @Test
    void aLineThatIsNotJsonBecomesAnUpstreamError() {
        assertThatThrownBy(() -> decode("<html>502 Bad Gateway</html>"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR))
                .hasMessageContaining("not JSON");
    }

    @Test
    void aJsonLineThatIsNotAnObjectBecomesAnUpstreamError() {
        assertThatThrownBy(() -> decode("[1,2]"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }
}
