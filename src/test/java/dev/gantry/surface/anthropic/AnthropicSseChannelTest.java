package dev.gantry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.pipeline.Exchange;
import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AnthropicSseChannelTest {

    @Test
    void aStartedStreamGetsAPingAfterSilence() throws Exception {
        String first = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";
        try (ResponseHarness h = new ResponseHarness()) {
            CompletableFuture<HttpResponse<InputStream>> pending = h.request();
            AnthropicSseChannel[] channel = {null};
            h.onLoop(res -> {
                channel[0] = new AnthropicSseChannel(res, new Exchange("messages"), h.vertx(), 50);
                channel[0].write(Buffer.buffer(first));
            });

            InputStream body = pending.get(10, TimeUnit.SECONDS).body();
            // The upstream says nothing more; the channel alone keeps the client's connection alive.
            String seen = ResponseHarness.readUntil(body, "event: ping\ndata: {\"type\":\"ping\"}\n\n");
            assertThat(seen).startsWith(first);

            h.onLoop(res -> channel[0].end());
            String rest = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(rest.replace("event: ping\ndata: {\"type\":\"ping\"}\n\n", "")).as("only whole pings after the first").isEmpty();
        }
    }
}
