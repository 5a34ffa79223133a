package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad requests get a 4xx in OpenAI's error shape, naming what was wrong, and never reach the upstream. */
@Timeout(120)
class BadInputTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String PATH = "/v1/chat/completions";

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

    @AfterEach
    void nothingReachedTheUpstreamAndAValidRequestStillSucceeds() {
        assertThat(ollama.chatRequests()).as("bad input must not reach the upstream").isEmpty();
        HttpResponse<String> r = api.post(PATH, Api.chat(MODEL, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + MODEL + "!");
        ollama.reset();
    }

    @Test
    void malformedJsonIsA400() {
        HttpResponse<String> r = api.post(PATH, "{\"model\": \"" + MODEL + "\", \"messages\": [");

        JsonNode error = Api.assertOpenAiError(r, 400);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).containsIgnoringCase("JSON");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() {
        Api.assertOpenAiError(api.post(PATH, "[1,2,3]"), 400);
    }

    @Test
    void anEmptyBodyIsA400() {
        Api.assertOpenAiError(api.post(PATH, ""), 400);
    }

    @Test
    void aModelThatIsANumberIsA400NamingModel() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("model", 42);

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 400);
        assertThat(error.path("param").asText()).isEqualTo("model");
    }

    @Test
    void messagesGivenAsAStringIsA400NamingMessages() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("messages", "hello");

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 400);
        assertThat(error.path("param").asText()).isEqualTo("messages");
    }

    @Test
    void temperatureGivenAsAStringIsA400NamingTemperature() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("temperature", "hot");

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 400);
        assertThat(error.path("param").asText()).isEqualTo("temperature");
        assertThat(error.path("message").asText()).contains("temperature");
    }

    @Test
    void aTemperatureOutOfRangeIsA400NamingTemperature() {
        ObjectNode body = Api.chat(MODEL, false);
        body.put("temperature", 7);

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 400);
        assertThat(error.path("param").asText()).isEqualTo("temperature");
    }

    @Test
    void aMessageWithAnUnknownRoleIsA400NamingTheMessage() {
        ObjectNode body = Api.chat(MODEL, false);
        ((ObjectNode) body.path("messages").path(0)).put("role", "wizard");

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 400);
        assertThat(error.path("param").asText()).isEqualTo("messages[0].role");
    }

    @Test
    void emptyMessagesIsA400() {
        ObjectNode body = Api.chat(MODEL, false);
        body.putArray("messages");

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 400);
        assertThat(error.path("param").asText()).isEqualTo("messages");
    }

    @Test
    void aBodyOverTheConfiguredLimitIsA413() {
        ObjectNode body = Api.chat(MODEL, false);
        ((ObjectNode) body.path("messages").path(0)).put("content", "x".repeat(4096));

        JsonNode error = Api.assertOpenAiError(api.post(PATH, body), 413);
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void aChunkedOversizeBodyDeclaredAsAFormIsStillA413InOpenAiShape() throws Exception {
        byte[] big = ("{\"model\":\"" + MODEL + "\",\"x\":\"" + "a".repeat(8192) + "\"}").getBytes();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + PATH))
                .timeout(java.time.Duration.ofSeconds(20))
                .header("content-type", "application/x-www-form-urlencoded") // what curl -d declares
                .header("authorization", "Bearer " + RunningGantry.MASTER_KEY)
                // An input stream of unknown length is sent chunked, so no Content-Length check can catch it.
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());

        JsonNode error = Api.assertOpenAiError(response, 413);
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void aSmallJsonBodyDeclaredAsAFormIsReadAsJson() {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + PATH))
                .timeout(java.time.Duration.ofSeconds(20))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", "Bearer " + RunningGantry.MASTER_KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":1}"))
                .build();
        JsonNode error;
        try {
            error = Api.assertOpenAiError(java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString()), 400);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(error.path("param").asText()).isEqualTo("model");
    }

    @Test
    void anErrorNeverEchoesAHugeClientValueBack() {
        JsonNode error = Api.assertOpenAiError(api.post(PATH, Api.chat("m".repeat(900), false)), 404);
        assertThat(error.path("message").asText().length()).isLessThan(400);
    }

    @Test
    void anUnknownModelIsA404ModelNotFound() {
        JsonNode error = Api.assertOpenAiError(api.post(PATH, Api.chat("no-such-model:13b", false)), 404);
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("param").asText()).isEqualTo("model");
    }

    @Test
    void anUnknownModelOnModelsByIdIsA404() {
        Api.assertOpenAiError(api.get("/v1/models/no-such-model"), 404);
    }

    @Test
    void aMissingKeyIsA401() {
        JsonNode error = Api.assertOpenAiError(api.post(PATH, Api.chat(MODEL, false), null), 401);
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void aWrongKeyIsA401() {
        JsonNode error = Api.assertOpenAiError(api.post(PATH, Api.chat(MODEL, false), "sk-wrong-key-1234567890"), 401);
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.path("message").asText()).doesNotContain("sk-wrong-key-1234567890");
    }

    @Test
    void aWrongKeyIsA401EvenWithABodyOverTheLimit() {
        ObjectNode body = Api.chat(MODEL, false);
        ((ObjectNode) body.path("messages").path(0)).put("content", "x".repeat(4096));

        Api.assertOpenAiError(api.post(PATH, body, "sk-wrong-key-1234567890"), 401);
    }

    @Test
    void modelsNeedAKeyToo() {
        Api.assertOpenAiError(api.get("/v1/models", null), 401);
    }
}
