package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.RunningGantry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What ollama clients and Open WebUI probe and list: GET /, /api/version, /api/tags, /api/ps, /api/show. */
@Timeout(120)
class OllamaSurfaceModelsTest {

    private static final String LOCAL = "llama3.2:1b";
    private static final String CLOUD = "gpt-4o-mini";

    private static FakeOllama ollama;
    private static FakeOpenAi openai;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(LOCAL, "nomic-embed-text");
        openai = FakeOpenAi.start(CLOUD);
        gantry = RunningGantry.start("""
                limits: { drain_timeout: 1s }
                models:
                  - name: %s
                    deployments:
                      - provider: openai
                        base_url: %s
                        model: %s
                        api_key: sk-fake-upstream-key-for-tests
                """.formatted(CLOUD, openai.baseUrl(), CLOUD), ollama.baseUrl());
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (openai != null) {
            openai.close();
        }
        if (ollama != null) {
            ollama.close();
        }
    }

    @Test
    void theRootSaysOllamaIsRunningToGetAndHeadWithoutAKey() throws Exception {
        HttpResponse<String> get = api.get("/", null);

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(get.body()).isEqualTo("Ollama is running");

        HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.base() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void theVersionIsAPlausibleOllamaVersionWithoutAKey() {
        HttpResponse<String> r = api.get("/api/version", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.json(r).path("version").asText()).matches("0\\.\\d+\\.\\d+");
    }

    @Test
    void tagsListEveryPublicModelWhateverServesItInOllamasShape() {
        HttpResponse<String> r = api.get("/api/tags");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        List<JsonNode> models = Api.json(r).path("models").findParents("digest");
        assertThat(models).extracting(m -> m.path("name").asText())
                .containsExactlyInAnyOrder(CLOUD + ":latest", LOCAL, "nomic-embed-text:latest");
        assertThat(models).allSatisfy(m -> {
            assertThat(m.path("model").asText()).isEqualTo(m.path("name").asText());
            assertThat(m.path("modified_at").asText()).matches(OllamaWire.RFC3339_FRACTION);
            assertThat(m.path("size").isIntegralNumber()).isTrue();
            assertThat(m.path("digest").asText()).matches("[0-9a-f]{64}");
            JsonNode d = m.path("details");
            for (String f : new String[] {"parent_model", "format", "family", "parameter_size", "quantization_level"}) {
                assertThat(d.path(f).isTextual()).as("details.%s in %s", f, m).isTrue();
            }
            assertThat(d.path("families").isArray()).isTrue();
            assertThat(m.path("capabilities").isArray()).isTrue();
        });
        JsonNode embed = models.stream().filter(m -> m.path("name").asText().startsWith("nomic")).findFirst().orElseThrow();
        assertThat(embed.path("capabilities").get(0).asText()).isEqualTo("embedding");
        JsonNode cloud = models.stream().filter(m -> m.path("name").asText().startsWith(CLOUD)).findFirst().orElseThrow();
        assertThat(cloud.path("capabilities").toString()).contains("completion");
        assertThat(models.stream().map(m -> m.path("digest").asText()).distinct()).hasSize(3);
    }

    @Test
    void tagsNeedAKey() {
        OllamaWire.assertError(api.get("/api/tags", null), 401);
        OllamaWire.assertError(api.get("/api/tags", "sk-wrong"), 401);
    }

    @Test
    void psListsNothingLoaded() {
        HttpResponse<String> r = api.get("/api/ps");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.json(r).path("models").isArray()).isTrue();
        assertThat(Api.json(r).path("models")).isEmpty();
    }

    @Test
    void showDescribesAModelByModelOrByTheOldNameField() {
        HttpResponse<String> byModel = api.post("/api/show", Api.JSON.createObjectNode().put("model", CLOUD));
        HttpResponse<String> byName = api.post("/api/show", Api.JSON.createObjectNode().put("name", LOCAL));
        HttpResponse<String> tagged = api.post("/api/show", Api.JSON.createObjectNode().put("model", CLOUD + ":latest"));

        assertThat(byModel.statusCode()).as(byModel.body()).isEqualTo(200);
        JsonNode show = Api.json(byModel);
        assertThat(show.path("modelfile").asText()).contains("FROM " + CLOUD + ":latest");
        assertThat(show.path("parameters").isTextual()).isTrue();
        assertThat(show.path("template").isTextual()).isTrue();
        assertThat(show.path("details").path("family").isTextual()).isTrue();
        assertThat(show.path("model_info").isObject()).isTrue();
        assertThat(show.path("capabilities").toString()).contains("completion");
        assertThat(show.path("modified_at").asText()).matches(OllamaWire.RFC3339_FRACTION);
        assertThat(byName.statusCode()).as(byName.body()).isEqualTo(200);
        assertThat(Api.json(byName).path("modelfile").asText()).contains("FROM " + LOCAL);
        assertThat(tagged.statusCode()).isEqualTo(200);
    }

    @Test
    void showOfAnUnknownModelIsA404InOllamasWords() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", "no-such-model");

        String message = OllamaWire.assertError(api.post("/api/show", body), 404);

        assertThat(message).isEqualTo("model 'no-such-model:latest' not found");
    }
}
