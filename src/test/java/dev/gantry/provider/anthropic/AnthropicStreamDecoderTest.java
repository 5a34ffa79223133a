package dev.gantry.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.framing.SseParser;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnthropicStreamDecoderTest {

    /** The exact sequence of PROTOCOLS.md 2.4, with a multi-byte text so splits can land inside characters. */
    private static final String SEQUENCE = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type":"ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" Grüße 🌍"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Oslo\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":31}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    private static final List<ChatChunk> EXPECTED = List.of(
            ChatChunk.text("Hi"),
            ChatChunk.text(" Grüße 🌍"),
            call(new ToolCallDelta(0, "toolu_1", "get_weather", "")),
            call(new ToolCallDelta(0, null, null, "{\"city\":")),
            call(new ToolCallDelta(0, null, null, "\"Oslo\"}")),
            new ChatChunk(null, null, List.of(), FinishReason.TOOL_CALLS, new Usage(12, 31, false)));

    private static ChatChunk call(ToolCallDelta d) {
        return new ChatChunk(null, null, List.of(d), null, null);
    }

    /** Runs {@code sse} through the real SSE parser in the given read sizes and decodes every event. */
    private static List<ChatChunk> decode(AnthropicStreamDecoder decoder, byte[] sse, Random splits) {
        List<ChatChunk> out = new ArrayList<>();
        SseParser parser = new SseParser(1 << 20, event -> {
            ChatChunk c = decoder.decode(event);
            if (c != null) {
                out.add(c);
            }
        });
        int pos = 0;
        while (pos < sse.length) {
            int n = splits == null ? sse.length : 1 + splits.nextInt(Math.min(40, sse.length - pos));
            n = Math.min(n, sse.length - pos);
            parser.feed(Buffer.buffer().appendBytes(sse, pos, n));
            pos += n;
        }
        parser.finish();
        return out;
    }

    private static List<ChatChunk> decode(String sse) {
        return decode(new AnthropicStreamDecoder("anthropic@test/m", null), sse.getBytes(StandardCharsets.UTF_8), null);
    }

    private static String event(String json) {
        String type = json.replaceFirst("^\\{\"type\":\"([a-z_]+)\".*$", "$1");
        return "event: " + type + "\ndata: " + json + "\n\n";
    }

    private static String start(int input) {
        return event("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
                + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1}}}");
    }

    private static String end(String stopReason, int output) {
        return event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + (stopReason == null ? "null" : "\"" + stopReason + "\"")
                + ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + output + "}}")
                + event("{\"type\":\"message_stop\"}");
    }

    @Test
    void theDocumentedSequenceDecodesTheSameHoweverTheBytesAreSplit() {
        byte[] bytes = SEQUENCE.getBytes(StandardCharsets.UTF_8);
        for (int seed = 0; seed < 300; seed++) {
            AnthropicStreamDecoder decoder = new AnthropicStreamDecoder("anthropic@test/m", null);
            List<ChatChunk> chunks = decode(decoder, bytes, new Random(seed));
            assertThat(chunks).as("seed %d", seed).isEqualTo(EXPECTED);
            assertThat(decoder.isComplete()).isTrue();
        }
    }

    @Test
    void aStreamWithoutMessageStopIsNotComplete() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder("anthropic@test/m", null);
        String cut = SEQUENCE.substring(0, SEQUENCE.indexOf("event: message_stop"));
        List<ChatChunk> chunks = decode(decoder, cut.getBytes(StandardCharsets.UTF_8), new Random(1));
        assertThat(chunks).hasSize(EXPECTED.size());
        assertThat(decoder.isComplete()).isFalse();
    }

    @Test
    void stopReasonsMapToCanonicalFinishReasons() {
        String[][] table = {
            {"end_turn", "STOP"}, {"stop_sequence", "STOP"}, {"pause_turn", "STOP"}, {"max_tokens", "LENGTH"},
            {"model_context_window_exceeded", "LENGTH"}, {"tool_use", "TOOL_CALLS"}, {"refusal", "CONTENT_FILTER"},
            {"something_new", "STOP"}, {null, "STOP"}};
        for (String[] row : table) {
            List<ChatChunk> chunks = decode(start(5) + end(row[0], 7));
            assertThat(chunks).as("%s", row[0]).hasSize(1);
            assertThat(chunks.get(0).finish()).as("%s", row[0]).isEqualTo(FinishReason.valueOf(row[1]));
        }
    }

    @Test
    void inputUsageIncludesCacheReadsAndWrites() {
        String sse = event("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":100,"
                + "\"cache_read_input_tokens\":1000,\"output_tokens\":1}}}") + end("end_turn", 42);
        assertThat(decode(sse).get(0).usage()).isEqualTo(new Usage(1110, 42, false));
    }

    @Test
    void aMessageDeltaThatRepeatsInputCountsReplacesThem() {
        String sse = start(10) + event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"input_tokens\":11,\"cache_read_input_tokens\":5,\"output_tokens\":3}}");
        assertThat(decode(sse).get(0).usage()).isEqualTo(new Usage(16, 3, false));
    }

    @Test
    void pingsUnknownEventsAndSignatureDeltasCarryNothing() {
        String sse = start(1)
                + event("{\"type\":\"ping\"}")
                + event("{\"type\":\"brand_new_event\",\"x\":1}")
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"abc\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"s\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + end("end_turn", 2);
        List<ChatChunk> chunks = decode(sse);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).finish()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void thinkingBecomesReasoning() {
        String sse = start(1)
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me see\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + event("{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Yes\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":1}")
                + end("end_turn", 9);
        List<ChatChunk> chunks = decode(sse);
        assertThat(chunks.get(0).reasoning()).isEqualTo("Let me see");
        assertThat(chunks.get(0).text()).isNull();
        assertThat(chunks.get(1)).isEqualTo(ChatChunk.text("Yes"));
    }

    @Test
    void toolBlocksAreNumberedFromZeroWhateverTheirBlockIndex() {
        String sse = start(1)
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Calling\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + event("{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"a\",\"input\":{}}}")
                + event("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\":1}\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":1}")
                + event("{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"b\",\"input\":{}}}")
                + event("{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"y\\\":2}\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":2}")
                + end("tool_use", 20);
        List<ToolCallDelta> deltas = decode(sse).stream().flatMap(c -> c.toolCalls().stream()).toList();
        assertThat(deltas).containsExactly(
                new ToolCallDelta(0, "toolu_a", "a", ""), new ToolCallDelta(0, null, null, "{\"x\":1}"),
                new ToolCallDelta(1, "toolu_b", "b", ""), new ToolCallDelta(1, null, null, "{\"y\":2}"));
    }

    @Test
    void aToolCallWithoutArgumentDataGetsAnEmptyObjectAtItsStop() {
        String sse = start(1)
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_n\",\"name\":\"now\",\"input\":{}}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + end("tool_use", 3);
        List<ChatChunk> chunks = decode(sse);
        assertThat(chunks.get(0).toolCalls()).containsExactly(new ToolCallDelta(0, "toolu_n", "now", ""));
        assertThat(chunks.get(1).toolCalls()).containsExactly(new ToolCallDelta(0, null, null, "{}"));
        assertThat(chunks.get(2).finish()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void aToolUseWithoutAnIdGetsASynthesisedOne() {
        String sse = start(1)
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"name\":\"f\",\"input\":{\"a\":1}}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + end("tool_use", 3);
        ToolCallDelta d = decode(sse).get(0).toolCalls().get(0);
        assertThat(d.id()).matches("call_[A-Za-z0-9]{24}");
        assertThat(d.argumentsFragment()).isEqualTo("{\"a\":1}"); // a start block that already holds the input
    }

    @Test
    void anEmulatedJsonAnswerBecomesTextAndAPlainStop() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder("anthropic@test/m", AnthropicCodec.JSON_TOOL);
        String sse = start(1)
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_j\",\"name\":\"json_response\",\"input\":{}}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"ok\\\":\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"true}\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + end("tool_use", 5);
        List<ChatChunk> chunks = decode(decoder, sse.getBytes(StandardCharsets.UTF_8), new Random(7));
        assertThat(chunks).containsExactly(ChatChunk.text("{\"ok\":"), ChatChunk.text("true}"),
                new ChatChunk(null, null, List.of(), FinishReason.STOP, new Usage(1, 5, false)));
    }

    @Test
    void anInBandOverloadedErrorIsAnOverloadedGatewayError() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder("anthropic@test/m", null);
        String sse = start(1) + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        assertThatThrownBy(() -> decode(decoder, sse.getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
                    assertThat(e.getMessage()).contains("Overloaded").contains("anthropic@test/m");
                });
    }

    @Test
    void otherInBandErrorsAreUpstreamErrors() {
        String sse = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}\n\n";
        assertThatThrownBy(() -> decode(sse))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }

    @Test
    void anEventThatIsNotJsonIsAnUpstreamError() {
        assertThatThrownBy(() -> decode("event: content_block_delta\ndata: {not json\n\n"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR));
    }

    @Test
    void eventsAfterMessageStopAreIgnored() {
        List<ChatChunk> chunks = decode(start(1) + end("end_turn", 1)
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"late\"}}"));
        assertThat(chunks).hasSize(1);
    }
}
