package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stopping Gantry lets the streams in flight finish, and takes no new connections meanwhile. */
@Timeout(60)
class GracefulShutdownTest {

    private static final String MODEL = "llama3.2:1b";

    @Test
    void aStreamInFlightFinishesWholeWhileTheServerStopsAcceptingNewConnections() throws Exception {
        try (FakeOllama ollama = FakeOllama.start(MODEL)) {
            // 40 tokens, 50 ms apart: about two seconds of streaming, well inside the drain timeout.
            ollama.behaviour(MODEL).manyTokens(40).chunkDelay(Duration.ofMillis(50));
            RunningGantry gantry = RunningGantry.start("limits: { drain_timeout: 20s }\n", ollama.baseUrl());
            int port = gantry.port();

            HttpRequest request = HttpRequest.newBuilder(URI.create(gantry.baseUrl() + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + RunningGantry.MASTER_KEY)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Api.chat(MODEL, true).toString()))
                    .build();
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofString());
            Api.pollUntil(Duration.ofSeconds(10), "the stream reached the upstream", () -> !ollama.chatRequests().isEmpty());

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(gantry::close);
            Api.pollUntil(Duration.ofSeconds(10), "the listener is closed", () -> {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return false;
                } catch (ConnectException refused) {
                    return true;
                } catch (Exception other) {
                    return false;
                }
            });
            assertThat(inFlight).as("the stream is still running while the listener is already closed").isNotDone();

            HttpResponse<String> response = inFlight.get();
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> data = Api.sseData(response.body());
            assertThat(data).last().isEqualTo("[DONE]");
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                expected.append("t").append(i).append(' ');
            }
            assertThat(Api.streamedText(Api.sseChunks(response.body()))).isEqualTo(expected.toString());
            stopping.get();
        }
    }
}
