package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code surfaces.ollama.keyless_networks}: clients on a listed network may call the Ollama surface
 * without a key (ollama clients send none by default); everyone else, and every other surface,
 * still needs one. The tests connect from 127.0.0.1.
 */
@Timeout(120)
class OllamaKeylessAccessTest {

    private static final String MODEL = "llama3.2:1b";

    private static FakeOllama ollama;
    private static RunningGantry loopbackListed;
    private static RunningGantry otherNetworksListed;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        loopbackListed = RunningGantry.start("""
                limits: { drain_timeout: 1s }
                surfaces: { ollama: { keyless_networks: ["10.0.0.0/8", "127.0.0.0/8"] } }
                """, ollama.baseUrl());
        otherNetworksListed = RunningGantry.start("""
                limits: { drain_timeout: 1s }
                surfaces: { ollama: { keyless_networks: ["10.0.0.0/8", "::1/128", "127.0.0.2/32"] } }
                """, ollama.baseUrl());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {loopbackListed, otherNetworksListed, ollama}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void aClientOnAListedNetworkNeedsNoKey() {
        Api api = new Api(loopbackListed);

        HttpResponse<String> chat = api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL), null);
        HttpResponse<String> tags = api.get("/api/tags", null);

        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(OllamaWire.text(OllamaWire.lines(chat))).isEqualTo("Hello from " + MODEL + "!");
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(Api.json(tags).path("models").findValuesAsText("name")).contains(MODEL);
    }

    @Test
    void aKeyThatIsSentIsStillCheckedOnAListedNetwork() {
        Api api = new Api(loopbackListed);

        OllamaWire.assertError(api.get("/api/tags", "sk-wrong-key"), 401);
        assertThat(api.get("/api/tags", RunningGantry.MASTER_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void keylessAccessIsOnlyForTheOllamaSurface() {
        Api api = new Api(loopbackListed);

        Api.assertOpenAiError(api.get("/v1/models", null), 401);
        Api.assertOpenAiError(api.post("/v1/chat/completions", Api.chat(MODEL, false), null), 401);
    }

    @Test
    void aClientOutsideTheListedNetworksStillNeedsAKey() {
        Api api = new Api(otherNetworksListed);

        OllamaWire.assertError(api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL), null), 401);
        OllamaWire.assertError(api.get("/api/tags", null), 401);
        assertThat(api.get("/api/tags", RunningGantry.MASTER_KEY).statusCode()).isEqualTo(200);
    }
}
