package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An Ollama client that goes away stops the relayed generation on the node, streamed or not. */
@Timeout(120)
class OllamaClientDisconnectTest {

    private static final String MODEL = "llama3.2:1b";

    private static FakeOllama ollama;
    private static RunningGantry gantry;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (ollama != null) {
            ollama.close();
        }
    }

    @BeforeEach
    void slowModel() {
        ollama.reset();
        ollama.behaviour(MODEL).manyTokens(200).chunkDelay(Duration.ofMillis(50)); // ten seconds if nobody stops it
    }

    private static Socket openChat(boolean stream) throws Exception {
        Socket socket = new Socket("127.0.0.1", gantry.port());
        socket.setSoTimeout(10_000);
        ObjectNode chat = OllamaSurfacePassThroughTest.chat(MODEL).put("stream", stream);
        String body = chat.toString();
        String request = "POST /api/chat HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + gantry.port() + "\r\n"
                + "Authorization: Bearer " + RunningGantry.MASTER_KEY + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "\r\n" + body;
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    @Test
    void abortingAStreamClosesTheNodeConnectionWithinOneSecond() throws Exception {
        long abortedAt;
        try (Socket socket = openChat(true)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            int tokens = 0;
            String line;
            while (tokens < 3 && (line = in.readLine()) != null) {
                if (line.contains("\"content\":\"t")) {
                    tokens++;
                }
            }
            assertThat(tokens).isEqualTo(3);
            abortedAt = System.nanoTime();
        }

        Recorded upstream = ollama.chatRequests().get(0);
        long closedAt = upstream.closedEarly().get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(closedAt - abortedAt)).isLessThan(Duration.ofSeconds(1));
        assertThat(upstream.completed()).isFalse();
    }

    @Test
    void abortingANonStreamedChatClosesTheNodeConnectionWithinOneSecond() throws Exception {
        long abortedAt;
        try (Socket socket = openChat(false)) {
            Api.pollUntil(Duration.ofSeconds(5), "the node received the chat", () -> ollama.chatRequests().size() == 1);
            assertThat(socket.getInputStream().available()).as("no answer yet: the model is still generating").isZero();
            abortedAt = System.nanoTime();
        }

        Recorded upstream = ollama.chatRequests().get(0);
        long closedAt = upstream.closedEarly().get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(closedAt - abortedAt)).isLessThan(Duration.ofSeconds(1));
        assertThat(upstream.completed()).isFalse();
    }
}
