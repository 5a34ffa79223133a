package dev.gantry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.Exchange;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The translated stream writer on cases the fake upstreams cannot produce: reasoning, error finishes, no usage. */
@Timeout(60)
class AnthropicStreamWriterTest {

    private final List<Usage> usages = new CopyOnWriteArrayList<>();

    private AnthropicStreamWriter writer(ResponseHarness h, boolean thinking) throws Exception {
        AnthropicStreamWriter[] w = {null};
        h.onLoop(res -> w[0] = new AnthropicStreamWriter(new AnthropicSseChannel(res, new Exchange("messages"), null, 0),
                new EventEncoder("msg_test", "m"), thinking, 42, usages::add));
        return w[0];
    }

    @Test
    void reasoningIsAThinkingBlockBeforeTheTextWhenThinkingIsOn() throws Exception {
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            AnthropicStreamWriter w = writer(h, true);

            h.onLoop(res -> {
                w.onChunk(new ChatChunk(null, "Let me think.", List.of(), null, null));
                w.onChunk(ChatChunk.text("Hi"));
                w.onChunk(new ChatChunk(null, null, List.of(), FinishReason.STOP, new Usage(9, 5, false)));
                w.onEnd();
            });

            String body = new String(pending.get(10, TimeUnit.SECONDS).body().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(body).isEqualTo("""
                    event: message_start
                    data: {"type":"message_start","message":{"id":"msg_test","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":42,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}

                    event: content_block_start
                    data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

                    event: ping
                    data: {"type":"ping"}

                    event: content_block_delta
                    data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}

                    event: content_block_stop
                    data: {"type":"content_block_stop","index":0}

                    event: content_block_start
                    data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

                    event: content_block_delta
                    data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}

                    event: content_block_stop
                    data: {"type":"content_block_stop","index":1}

                    event: message_delta
                    data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}}

                    event: message_stop
                    data: {"type":"message_stop"}

                    """);
            assertThat(usages).containsExactly(new Usage(9, 5, false));
        }
    }

    @Test
    void anErrorFinishBeforeAnyContentIsAPlainErrorResponse() throws Exception {
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            AnthropicStreamWriter w = writer(h, false);

            h.onLoop(res -> {
                w.onChunk(new ChatChunk(null, null, List.of(), FinishReason.ERROR, null));
                w.onEnd();
            });

            HttpResponse<InputStream> r = pending.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"type\":\"api_error\"");
        }
    }

    @Test
    void withoutUpstreamUsageTheEstimateStandsAndAContentFilterIsARefusal() throws Exception {
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            AnthropicStreamWriter w = writer(h, false);

            h.onLoop(res -> {
                w.onChunk(ChatChunk.text("I can't"));
                w.onChunk(new ChatChunk(null, null, List.of(), FinishReason.CONTENT_FILTER, null));
                w.onEnd();
            });

            String body = new String(pending.get(10, TimeUnit.SECONDS).body().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(body).contains("data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\",\"stop_sequence\":null},"
                    + "\"usage\":{\"input_tokens\":42,");
            assertThat(usages).containsExactly(new Usage(42, 0, true));
        }
    }
}
