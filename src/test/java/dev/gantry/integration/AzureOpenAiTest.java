package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeAzure;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code provider: azure} deployments behind the OpenAI surface: Azure's URLs and key header, its filters, its errors. */
@Timeout(120)
class AzureOpenAiTest {

    private static final String DEPLOYMENT = "my-deployment";
    private static final String KEY = "azure-test-key";

    private static FakeAzure azure;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        azure = FakeAzure.start(KEY, DEPLOYMENT, "embedder");
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: azure-gpt
                    deployments:
                      - provider: azure
                        base_url: %1$s
                        model: my-deployment
                        api_key: azure-test-key
                        api_version: 2024-10-21
                  - name: azure-default-version
                    deployments:
                      - provider: azure
                        base_url: %1$s/
                        model: my-deployment
                        api_key: azure-test-key
                  - name: azure-v1
                    deployments:
                      - provider: azure
                        base_url: %1$s/openai/v1
                        model: my-deployment
                        api_key: azure-test-key
                  - name: azure-wrong-key
                    deployments:
                      - provider: azure
                        base_url: %1$s
                        model: my-deployment
                        api_key: not-the-key
                  - name: azure-embed
                    deployments:
                      - provider: azure
                        base_url: %1$s
                        model: embedder
                        api_key: azure-test-key
                        api_version: 2024-06-01
                """.formatted(azure.baseUrl()), "http://127.0.0.1:1");
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (azure != null) {
            azure.close();
        }
    }

    @BeforeEach
    void clean() {
        azure.reset();
    }

    @Test
    void aClassicDeploymentIsCalledAtItsDeploymentUrlWithApiVersionAndTheApiKeyHeader() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(azure.lastUri()).isEqualTo("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21");
        Recorded rec = azure.last();
        assertThat(rec.header("api-key")).isEqualTo(KEY);
        assertThat(rec.header("authorization")).as("an Azure key is never sent as a bearer token").isNull();
        for (Map.Entry<String, String> h : rec.headers()) {
            assertThat(h.getValue()).as("header %s", h.getKey()).doesNotContain(RunningGantry.MASTER_KEY);
        }
        JsonNode body = Api.json(r);
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from my-deployment!");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeAzure.PROMPT_TOKENS);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void withoutAConfiguredApiVersionTheDefaultIsSent() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-default-version", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(azure.lastUri()).isEqualTo("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21");
    }

    @Test
    void aV1BaseUrlIsCalledWithoutApiVersionAndTheDeploymentAsTheBodysModel() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-v1", true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(azure.lastUri()).isEqualTo("/openai/v1/chat/completions");
        assertThat(azure.last().body().path("model").asText()).isEqualTo(DEPLOYMENT);
        assertThat(azure.last().header("api-key")).isEqualTo(KEY);
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello from my-deployment!");
    }

    @Test
    void aStreamIsRelayedByteForByteExceptTheEmptyPromptFilterChunk() {
        ObjectNode body = Api.chat("azure-gpt", true);
        body.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> sent = azure.sentFrames();
        assertThat(sent.get(0)).contains("\"choices\":[]").contains("prompt_filter_results");
        // Everything after Azure's filter chunk arrives exactly as Azure wrote it (Azure's extra fields included).
        assertThat(r.body()).isEqualTo(String.join("", sent.subList(1, sent.size())));
        assertThat(r.body()).contains("\"content_filter_results\":{}");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from my-deployment!");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices").size()).isZero();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeAzure.PROMPT_TOKENS);
        assertThat(azure.last().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void theUsageChunkGantryAskedForIsDroppedWhenTheClientDidNot() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", true));

        assertThat(Api.sseData(r.body())).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("choices").size()).isEqualTo(1));
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void streamedToolCallsAreRelayed() {
        azure.behaviour(DEPLOYMENT).toolCall("call_azure_1", "get_weather", "{\"city\":\"Oslo\"}");
        ObjectNode body = Api.chat("azure-gpt", true);
        body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(chunks).anySatisfy(c -> {
            JsonNode call = c.path("choices").path(0).path("delta").path("tool_calls").path(0);
            assertThat(call.path("id").asText()).isEqualTo("call_azure_1");
            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        });
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("delta").path("tool_calls").path(0)
                .path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}"));
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(azure.last().body().path("tools").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void nonStreamedToolCallsAreRelayed() {
        ObjectNode body = Api.chat("azure-gpt", false);
        body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "lookup");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("tool_calls").path(0).path("function").path("name").asText()).isEqualTo("lookup");
        assertThat(Api.json(r).path("usage").path("completion_tokens").asInt()).isEqualTo(FakeAzure.TOOL_CALL_TOKENS);
    }

    @Test
    void anOutputFilterEndsTheStreamWithFinishReasonContentFilter() {
        azure.filterOutputAfter(DEPLOYMENT, 2);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", true));

        assertThat(Api.sseData(r.body())).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from");
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText()).isEqualTo("content_filter");
    }

    @Test
    void aFilteredPromptIsA400WithCodeContentFilter() {
        azure.behaviour(DEPLOYMENT).failWith(400, FakeAzure.CONTENT_FILTER_BODY);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", false));

        JsonNode error = Api.assertOpenAiError(r, 400);
        assertThat(error.path("code").asText()).isEqualTo("content_filter");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("content management policy");
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
    }

    @Test
    void aRejectedKeyIsTheGatewaysProblemA502NeverA401() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-wrong-key", false));

        JsonNode error = Api.assertOpenAiError(r, 502);
        assertThat(error.path("code").asText()).isEqualTo("upstream_auth");
        assertThat(error.path("message").asText()).doesNotContain("not-the-key");
    }

    @Test
    void azureThrottlingIsA429WithItsRetryAfter() {
        azure.behaviour(DEPLOYMENT).failWith(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create "
                + "Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current pricing tier.\"}}");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", true));

        JsonNode error = Api.assertOpenAiError(r, 429);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
    }

    @Test
    void anAzureServerErrorIsA502() {
        azure.behaviour(DEPLOYMENT).failWith(500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The server had an error.\"}}");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", false));

        assertThat(Api.assertOpenAiError(r, 502).path("message").asText()).contains("The server had an error.");
    }

    @Test
    void anInBandErrorMidStreamIsAnErrorEventWithoutDone() {
        azure.behaviour(DEPLOYMENT).inBandErrorAfterChunks(3, "The server had an error while processing your request.");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.sseData(r.body())).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello");
        assertThat(chunks.get(chunks.size() - 1).path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void aConnectionCutMidStreamIsAnErrorEventWithoutDone() {
        azure.behaviour(DEPLOYMENT).resetAfterChunks(4);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("azure-gpt", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.sseData(r.body())).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from");
        assertThat(chunks.get(chunks.size() - 1).path("error").isObject()).isTrue();
    }

    @Test
    void embeddingsGoToTheDeploymentsEmbeddingsUrl() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", "azure-embed").put("input", "hello world");

        HttpResponse<String> r = api.post("/v1/embeddings", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(azure.lastUri()).isEqualTo("/openai/deployments/embedder/embeddings?api-version=2024-06-01");
        assertThat(azure.last().header("api-key")).isEqualTo(KEY);
        assertThat(Api.json(r).path("data").path(0).path("embedding").size()).isPositive();
    }
}
