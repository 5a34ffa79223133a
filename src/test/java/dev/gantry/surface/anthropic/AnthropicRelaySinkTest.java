package dev.gantry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.Exchange;
import dev.gantry.surface.http.RelaySink;
import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pass-through sink an {@code anthropic} provider will write an Anthropic upstream's bytes to. */
@Timeout(60)
class AnthropicRelaySinkTest {

    private static final String START = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_up\"}}\n\n";
    private static final String REST = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    private final List<Usage> usages = new CopyOnWriteArrayList<>();
    private RelaySink sink;
    private Exchange exchange;

    private void sink(ResponseHarness h, boolean stream) throws Exception {
        h.onLoop(res -> {
            exchange = new Exchange("messages");
            sink = new RelaySink(res, new AnthropicSseChannel(res, exchange, null, 0), stream, "application/json", usages::add);
        });
    }

    @Test
    void aStreamIsRelayedByteForByteAsItArrivesUnderSseHeaders() throws Exception {
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            sink(h, true);

            h.onLoop(res -> sink.onBytes(Buffer.buffer(START)));
            HttpResponse<InputStream> r = pending.get(10, TimeUnit.SECONDS);
            InputStream body = r.body();
            // The first event is readable before the upstream sent anything more: nothing is buffered.
            assertThat(ResponseHarness.read(body, START.getBytes(StandardCharsets.UTF_8).length)).isEqualTo(START);

            byte[] rest = REST.getBytes(StandardCharsets.UTF_8);
            h.onLoop(res -> {
                sink.onBytes(Buffer.buffer(java.util.Arrays.copyOfRange(rest, 0, 17)));  // split mid-event, as reads come
                sink.onBytes(Buffer.buffer(java.util.Arrays.copyOfRange(rest, 17, rest.length)));
                sink.onEnd(new Usage(30, 7, false));
            });

            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(REST);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
            assertThat(usages).containsExactly(new Usage(30, 7, false));
        }
    }

    @Test
    void aWholeAnswerIsRelayedAsTheJsonBody() throws Exception {
        String json = "{\"id\":\"msg_up\",\"type\":\"message\",\"content\":[]}";
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            sink(h, false);

            h.onLoop(res -> {
                sink.onBytes(Buffer.buffer(json));
                sink.onEnd(null);
            });

            HttpResponse<InputStream> r = pending.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
            assertThat(usages).containsExactly(Usage.NONE);
        }
    }

    @Test
    void aFailureBeforeAnyByteIsAJsonErrorWithItsStatus() throws Exception {
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            sink(h, true);

            h.onLoop(res -> sink.onError(new GatewayError(ErrorKind.OVERLOADED, "busy", null, null, 3L)));

            HttpResponse<InputStream> r = pending.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).hasValue("3");
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"},\"request_id\":\""
                            + exchange.requestId() + "\"}");
        }
    }

    @Test
    void aFailureAfterTheStreamStartedIsAnErrorEventAndTheEnd() throws Exception {
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            sink(h, true);

            h.onLoop(res -> {
                sink.onBytes(Buffer.buffer(START));
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream closed the connection."));
            });

            HttpResponse<InputStream> r = pending.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(START
                    + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The upstream closed the connection.\"},"
                    + "\"request_id\":\"" + exchange.requestId() + "\"}\n\n");
        }
    }
}
