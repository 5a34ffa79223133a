package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad requests to the Ollama surface get Ollama's {"error":"..."} with the statuses of DESIGN.md section 7. */
@Timeout(120)
class OllamaSurfaceErrorsTest {

    private static final String MODEL = "llama3.2:1b";

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        gantry = RunningGantry.start("limits: { max_body: 1KiB, drain_timeout: 1s }\n", ollama.baseUrl());
        api = new Api(gantry);
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
    void clean() {
        ollama.reset();
    }

    private static HttpResponse<String> raw(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.base() + path)).timeout(Duration.ofSeconds(20))
                .header("authorization", "Bearer " + RunningGantry.MASTER_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("content-type", contentType);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bodiesThatAreNotJsonObjectsAre400s() throws Exception {
        assertThat(OllamaWire.assertError(raw("POST", "/api/chat", "{\"model\":\"x\",", "application/json"), 400))
                .contains("not valid JSON");
        OllamaWire.assertError(raw("POST", "/api/chat", "", "application/json"), 400);
        OllamaWire.assertError(raw("POST", "/api/generate", "[1,2]", "application/json"), 400);
        OllamaWire.assertError(raw("POST", "/api/embed", "{\"model\":", "application/x-www-form-urlencoded"), 400);
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void aMissingModelIsA400SayingSo() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");

        assertThat(OllamaWire.assertError(api.post("/api/chat", body), 400)).isEqualTo("model is required");
    }

    @Test
    void wrongFieldTypesAre400sNamingTheField() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", MODEL).put("messages", "hello");
        ObjectNode badRole = OllamaSurfacePassThroughTest.chat(MODEL);
        ((ObjectNode) badRole.path("messages").get(0)).put("role", "wizard");
        ObjectNode badOption = OllamaSurfacePassThroughTest.chat(MODEL);
        badOption.putObject("options").put("temperature", "hot");
        ObjectNode badStream = OllamaSurfacePassThroughTest.chat(MODEL).put("stream", "yes");

        assertThat(OllamaWire.assertError(api.post("/api/chat", body), 400)).contains("'messages'");
        assertThat(OllamaWire.assertError(api.post("/api/chat", badRole), 400)).contains("messages[0].role");
        assertThat(OllamaWire.assertError(api.post("/api/chat", badOption), 400)).contains("options.temperature");
        assertThat(OllamaWire.assertError(api.post("/api/chat", badStream), 400)).contains("stream");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void anUnknownModelIsA404InOllamasWordsEvenWhenStreamingWasAsked() {
        ObjectNode chat = OllamaSurfacePassThroughTest.chat("no-such-model");
        chat.put("stream", true);
        ObjectNode generate = Api.JSON.createObjectNode().put("model", "no-such-model").put("prompt", "hi");
        ObjectNode embed = Api.JSON.createObjectNode().put("model", "no-such-model").put("input", "hi");
        ObjectNode legacy = Api.JSON.createObjectNode().put("model", "no-such-model").put("prompt", "hi");

        assertThat(OllamaWire.assertError(api.post("/api/chat", chat), 404)).isEqualTo("model 'no-such-model' not found");
        assertThat(OllamaWire.assertError(api.post("/api/generate", generate), 404)).isEqualTo("model 'no-such-model' not found");
        assertThat(OllamaWire.assertError(api.post("/api/embed", embed), 404))
                .isEqualTo("model \"no-such-model\" not found, try pulling it first");
        assertThat(OllamaWire.assertError(api.post("/api/embeddings", legacy), 404))
                .isEqualTo("model \"no-such-model\" not found, try pulling it first");
    }

    @Test
    void aModelTheNodeLostIsA404InOllamasWordsToo() {
        ollama.behaviour(MODEL).failWith(404, "{\"error\":\"model 'llama3.2:1b' not found\"}");

        assertThat(OllamaWire.assertError(api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL)), 404))
                .isEqualTo("model '" + MODEL + "' not found");
    }

    @Test
    void aMissingOrWrongKeyIs401BeforeTheBodyIsRead() {
        String message = OllamaWire.assertError(api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL), null), 401);
        assertThat(message).contains("API key");
        OllamaWire.assertError(api.post("/api/chat", OllamaSurfacePassThroughTest.chat(MODEL), "sk-not-the-key"), 401);
        OllamaWire.assertError(api.post("/api/embed", Api.JSON.createObjectNode().put("model", MODEL).put("input", "x"), null), 401);
        // A body over the limit without a key is refused for the key, not read.
        OllamaWire.assertError(api.post("/api/generate", Api.JSON.createObjectNode().put("model", MODEL).put("prompt", "x".repeat(4096)), null), 401);
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void aBodyOverTheLimitIsA413InOllamasShape() {
        ObjectNode body = OllamaSurfacePassThroughTest.chat(MODEL);
        ((ObjectNode) body.path("messages").get(0)).put("content", "x".repeat(4096));

        String message = OllamaWire.assertError(api.post("/api/chat", body), 413);

        assertThat(message).contains("limits.max_body");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void whatAChatTurnCannotExpressIsRefusedOnGenerate() {
        ObjectNode raw = Api.JSON.createObjectNode().put("model", MODEL).put("prompt", "[INST] hi [/INST]").put("raw", true);
        ObjectNode suffix = Api.JSON.createObjectNode().put("model", MODEL).put("prompt", "def f(").put("suffix", "    return x");
        ObjectNode template = Api.JSON.createObjectNode().put("model", MODEL).put("prompt", "hi").put("template", "{{ .Prompt }}");

        assertThat(OllamaWire.assertError(api.post("/api/generate", raw), 400)).contains("raw");
        assertThat(OllamaWire.assertError(api.post("/api/generate", suffix), 400)).contains("suffix");
        assertThat(OllamaWire.assertError(api.post("/api/generate", template), 400)).contains("template");
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void theWrongMethodOnAKnownPathIs405WithAllow() throws Exception {
        HttpResponse<String> r = raw("GET", "/api/chat", null, null);

        assertThat(OllamaWire.assertError(r, 405)).contains("method not allowed");
        assertThat(r.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void modelManagementIsRefusedWith403() throws Exception {
        for (String path : new String[] {"/api/pull", "/api/push", "/api/create", "/api/copy", "/api/delete"}) {
            String method = path.equals("/api/delete") ? "DELETE" : "POST";
            assertThat(OllamaWire.assertError(raw(method, path, "{\"model\":\"x\"}", "application/json"), 403))
                    .as(path).contains("does not pull");
        }
    }
}
