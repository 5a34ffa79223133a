package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeBedrock;
import dev.gantry.fake.Recorded;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code provider: bedrock} behind the OpenAI surface: SigV4-signed Converse and ConverseStream, translated both ways. */
@Timeout(120)
class BedrockConverseTest {

    private static final String MODEL = "anthropic.claude-x";
    private static final String VERSIONED = "anthropic.claude-x-v1:0";

    private static FakeBedrock bedrock;
    private static RunningGantry gantry;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        bedrock = FakeBedrock.start("us-east-1", "AKIDTEST", "secret", "session-token-1", MODEL, VERSIONED);
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: claude
                    deployments:
                      - provider: bedrock
                        base_url: %1$s
                        model: anthropic.claude-x
                        region: us-east-1
                        aws_access_key_id: AKIDTEST
                        aws_secret_access_key: secret
                  - name: claude-versioned
                    deployments:
                      - provider: bedrock
                        base_url: %1$s
                        model: anthropic.claude-x-v1:0
                        region: us-east-1
                        aws_access_key_id: AKIDTEST
                        aws_secret_access_key: secret
                  - name: claude-session
                    deployments:
                      - provider: bedrock
                        base_url: %1$s
                        model: anthropic.claude-x
                        region: us-east-1
                        aws_access_key_id: AKIDTEST
                        aws_secret_access_key: secret
                        aws_session_token: session-token-1
                  - name: claude-bad-secret
                    deployments:
                      - provider: bedrock
                        base_url: %1$s
                        model: anthropic.claude-x
                        region: us-east-1
                        aws_access_key_id: AKIDTEST
                        aws_secret_access_key: not-the-secret
                  - name: claude-wrong-region
                    deployments:
                      - provider: bedrock
                        base_url: %1$s
                        model: anthropic.claude-x
                        region: eu-west-1
                        aws_access_key_id: AKIDTEST
                        aws_secret_access_key: secret
                """.formatted(bedrock.baseUrl()), "http://127.0.0.1:1");
        api = new Api(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (bedrock != null) {
            bedrock.close();
        }
    }

    @BeforeEach
    void clean() {
        bedrock.reset();
    }

    private boolean expectBadSignatures;

    @AfterEach
    void everySignatureVerified() {
        if (!expectBadSignatures) {
            assertThat(bedrock.signatureProblems()).isEmpty();
        }
    }

    private static ObjectNode tool(ObjectNode body, String name) {
        ObjectNode fn = body.withArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", name).put("description", "Weather for a city");
        fn.putObject("parameters").put("type", "object").putObject("properties").putObject("city").put("type", "string");
        return body;
    }

    // ---------------------------------------------------------------- answers

    @Test
    void aNonStreamedAnswerComesFromConverseWithUsage() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Api.json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + MODEL + "!");
        assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeBedrock.INPUT_TOKENS);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        Recorded rec = bedrock.last();
        assertThat(rec.path()).isEqualTo("/model/anthropic.claude-x/converse");
        assertThat(rec.header("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/");
        assertThat(rec.header("x-amz-security-token")).isNull();
        for (Map.Entry<String, String> h : rec.headers()) {
            assertThat(h.getValue()).as("header %s", h.getKey()).doesNotContain(RunningGantry.MASTER_KEY).doesNotContain("secret");
        }
    }

    @Test
    void systemMessagesAndSamplingParametersAreTranslated() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", "claude").put("max_tokens", 64).put("temperature", 0.3)
                .put("top_p", 0.9).put("seed", 7).put("top_k", 40);
        body.putArray("stop").add("END");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Be brief.");
        messages.addObject().put("role", "developer").put("content", "Answer in English.");
        messages.addObject().put("role", "user").put("content", "Say hello");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = bedrock.last().body();
        assertThat(sent.path("system").findValuesAsText("text")).containsExactly("Be brief.", "Answer in English.");
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(sent.path("messages").path(0).path("role").asText()).isEqualTo("user");
        assertThat(sent.path("messages").path(0).path("content").path(0).path("text").asText()).isEqualTo("Say hello");
        JsonNode inference = sent.path("inferenceConfig");
        assertThat(inference.path("maxTokens").asInt()).isEqualTo(64);
        assertThat(inference.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(inference.path("topP").asDouble()).isEqualTo(0.9);
        assertThat(inference.path("stopSequences").path(0).asText()).isEqualTo("END");
        assertThat(sent.path("additionalModelRequestFields").path("top_k").asInt()).isEqualTo(40);
        assertThat(sent.has("seed")).isFalse();
        assertThat(sent.has("model")).isFalse();
    }

    @Test
    void aStreamComesFromConverseStreamAndEndsWithDone() {
        ObjectNode body = Api.chat("claude", true);
        body.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(bedrock.last().path()).isEqualTo("/model/anthropic.claude-x/converse-stream");
        assertThat(Api.sseData(r.body())).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from " + MODEL + "!");
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop"));
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices").size()).isZero();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(FakeBedrock.INPUT_TOKENS);
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void maxTokensReachedIsFinishReasonLength() {
        ObjectNode body = Api.chat("claude", true).put("max_tokens", 2);

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from");
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length"));
    }

    // ---------------------------------------------------------------- signing

    @Test
    void aModelIdWithAColonIsOneEncodedSegmentAndStillSignsCorrectly() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude-versioned", true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bedrock.last().path()).isEqualTo("/model/anthropic.claude-x-v1%3A0/converse-stream");
        assertThat(Api.streamedText(Api.sseChunks(r.body()))).isEqualTo("Hello from " + VERSIONED + "!");
    }

    @Test
    void temporaryCredentialsSignTheirSessionToken() {
        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude-session", false));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bedrock.last().header("x-amz-security-token")).isEqualTo("session-token-1");
        assertThat(bedrock.last().header("authorization")).contains("x-amz-security-token");
    }

    @Test
    void aWrongSecretIsRefusedByTheUpstreamAndIsTheGatewaysProblem() {
        expectBadSignatures = true;

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude-bad-secret", false));

        JsonNode error = Api.assertOpenAiError(r, 502);
        assertThat(error.path("code").asText()).isEqualTo("upstream_auth");
        assertThat(bedrock.signatureProblems()).singleElement().asString().contains("signature mismatch");
    }

    @Test
    void aSignatureForAnotherRegionIsRefused() {
        expectBadSignatures = true;

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude-wrong-region", false));

        Api.assertOpenAiError(r, 502);
        assertThat(bedrock.signatureProblems()).singleElement().asString().contains("eu-west-1");
    }

    // ---------------------------------------------------------------- tools

    @Test
    void toolsAndToolChoiceAreTranslatedAndANonStreamedCallComesBack() {
        ObjectNode body = tool(Api.chat("claude", false), "get_weather").put("tool_choice", "required");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode config = bedrock.last().body().path("toolConfig");
        JsonNode spec = config.path("tools").path(0).path("toolSpec");
        assertThat(spec.path("name").asText()).isEqualTo("get_weather");
        assertThat(spec.path("description").asText()).isEqualTo("Weather for a city");
        assertThat(spec.path("inputSchema").path("json").path("properties").path("city").path("type").asText()).isEqualTo("string");
        assertThat(config.path("toolChoice").has("any")).isTrue();
        JsonNode choice = Api.json(r).path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.path("message").path("tool_calls").path(0);
        assertThat(call.path("id").asText()).startsWith("tooluse_");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(Api.json(call.path("function").path("arguments").asText()).path("city").asText()).isEqualTo("Oslo");
        assertThat(Api.json(r).path("usage").path("completion_tokens").asInt()).isEqualTo(FakeBedrock.TOOL_CALL_TOKENS);
    }

    @Test
    void aNamedToolChoiceForcesThatTool() {
        ObjectNode body = tool(tool(Api.chat("claude", false), "get_weather"), "get_time");
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_time");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(bedrock.last().body().path("toolConfig").path("toolChoice").path("tool").path("name").asText()).isEqualTo("get_time");
        assertThat(Api.json(r).path("choices").path(0).path("message").path("tool_calls").path(0).path("function").path("name").asText())
                .isEqualTo("get_time");
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOut() {
        ObjectNode body = tool(Api.chat("claude", false), "get_weather").put("tool_choice", "none");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bedrock.last().body().has("toolConfig")).isFalse();
        assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from " + MODEL + "!");
    }

    @Test
    void streamedToolCallsAreNumberedByCallAndTheirFragmentsJoinIntoTheArguments() {
        bedrock.behaviour(MODEL).tokens("Let me check.").toolCall("tooluse_abc", "get_weather", "{\"city\":\"Oslo\",\"unit\":\"C\"}");

        HttpResponse<String> r = api.post("/v1/chat/completions", tool(Api.chat("claude", true), "get_weather"));

        assertThat(Api.sseData(r.body())).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Let me check.");
        StringBuilder arguments = new StringBuilder();
        int starts = 0;
        for (JsonNode c : chunks) {
            JsonNode call = c.path("choices").path(0).path("delta").path("tool_calls").path(0);
            if (call.isObject()) {
                assertThat(call.path("index").asInt()).as("the text block does not shift the call index").isZero();
                if (call.has("id")) {
                    starts++;
                    assertThat(call.path("id").asText()).isEqualTo("tooluse_abc");
                    assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
                }
                arguments.append(call.path("function").path("arguments").asText());
            }
        }
        assertThat(starts).isEqualTo(1);
        assertThat(arguments.toString()).isEqualTo("{\"city\":\"Oslo\",\"unit\":\"C\"}");
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls"));
    }

    @Test
    void aToolLoopIsSentAsAlternatingTurnsWithResultsInOneUserTurn() {
        ObjectNode body = tool(Api.chat("claude", false), "get_weather");
        ArrayNode messages = body.withArray("messages");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        ArrayNode calls = assistant.putArray("tool_calls");
        calls.addObject().put("id", "call.1").put("type", "function").putObject("function").put("name", "get_weather")
                .put("arguments", "{\"city\":\"Oslo\"}");
        calls.addObject().put("id", "call_2").put("type", "function").putObject("function").put("name", "get_weather")
                .put("arguments", "{\"city\":\"Bergen\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call.1").put("content", "12 C");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_2").put("content", "9 C");
        bedrock.behaviour(MODEL).tokens("Oslo is warmer.");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Api.json(r).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Oslo is warmer.");
        JsonNode sent = bedrock.last().body().path("messages");
        assertThat(sent).hasSize(3);
        JsonNode uses = sent.path(1).path("content");
        assertThat(uses.path(0).path("toolUse").path("toolUseId").asText()).isEqualTo("call_1");
        assertThat(uses.path(0).path("toolUse").path("input").path("city").asText()).isEqualTo("Oslo");
        JsonNode results = sent.path(2).path("content");
        assertThat(sent.path(2).path("role").asText()).isEqualTo("user");
        assertThat(results).hasSize(2);
        assertThat(results.path(0).path("toolResult").path("toolUseId").asText()).isEqualTo("call_1");
        assertThat(results.path(0).path("toolResult").path("content").path(0).path("text").asText()).isEqualTo("12 C");
        assertThat(results.path(1).path("toolResult").path("toolUseId").asText()).isEqualTo("call_2");
    }

    @Test
    void jsonOutputIsEmulatedWithAForcedToolAndComesBackAsText() {
        ObjectNode body = Api.chat("claude", true);
        body.putObject("response_format").put("type", "json_object");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(bedrock.last().body().path("toolConfig").path("toolChoice").path("tool").path("name").asText()).isEqualTo("json_response");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.json(Api.streamedText(chunks)).path("city").asText()).isEqualTo("Oslo");
        assertThat(chunks).noneSatisfy(c -> assertThat(c.path("choices").path(0).path("delta").has("tool_calls")).isTrue());
        assertThat(chunks).anySatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop"));
    }

    // ---------------------------------------------------------------- errors

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({
        "400, ValidationException, 400, invalid_request_error",
        "400, ServiceQuotaExceededException, 429, rate_limit_error",
        "403, AccessDeniedException, 502, upstream_error",
        "404, ResourceNotFoundException, 502, upstream_error",
        "408, ModelTimeoutException, 504, timeout",
        "424, ModelErrorException, 502, upstream_error",
        "429, ThrottlingException, 429, rate_limit_error",
        "429, ModelNotReadyException, 503, overloaded",
        "500, InternalServerException, 502, upstream_error",
        "503, ServiceUnavailableException, 503, overloaded",
    })
    void awsErrorsMapToTheDocumentedStatuses(int status, String type, int expected, String errorType) {
        bedrock.failWith(MODEL, status, type, "Something about " + type + ".");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", true));

        JsonNode error = Api.assertOpenAiError(r, expected);
        assertThat(error.path("type").asText()).isEqualTo(errorType);
        if (expected == 429 || expected == 503) {
            assertThat(r.headers().firstValue("retry-after")).isPresent();
        }
    }

    @Test
    void aTooLongPromptIsAContextLengthError() {
        bedrock.failWith(MODEL, 400, "ValidationException", "Input is too long for requested model.");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", false));

        assertThat(Api.assertOpenAiError(r, 400).path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void anExceptionEventMidStreamIsAnErrorEventWithoutDone() {
        bedrock.behaviour(MODEL).inBandErrorAfterChunks(3, "The model failed to continue.");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.sseData(r.body())).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from");
        JsonNode error = chunks.get(chunks.size() - 1).path("error");
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).contains("modelStreamErrorException").contains("The model failed to continue.");
        assertThat(chunks).noneSatisfy(c -> assertThat(c.path("choices").path(0).path("finish_reason").isTextual()).isTrue());
    }

    @Test
    void aThrottlingExceptionBeforeAnyContentIsStillAProper429() {
        bedrock.behaviour(MODEL).inBandErrorAfterChunks(1, "Too many tokens, please wait before trying again.");
        bedrock.exceptionType(MODEL, "throttlingException");

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", true));

        JsonNode error = Api.assertOpenAiError(r, 429);
        assertThat(error.path("message").asText()).contains("Too many tokens");
    }

    @Test
    void aConnectionCutMidStreamIsAnErrorEventWithoutDone() {
        bedrock.behaviour(MODEL).resetAfterChunks(3);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Api.sseData(r.body())).doesNotContain("[DONE]");
        List<JsonNode> chunks = Api.sseChunks(r.body());
        assertThat(Api.streamedText(chunks)).isEqualTo("Hello from");
        assertThat(chunks.get(chunks.size() - 1).path("error").isObject()).isTrue();
    }

    @Test
    void aConnectionCutBeforeANonStreamedAnswerIsA502() {
        bedrock.behaviour(MODEL).resetAfterChunks(0);

        HttpResponse<String> r = api.post("/v1/chat/completions", Api.chat("claude", false));

        Api.assertOpenAiError(r, 502);
    }

    @Test
    void embeddingsAreRefusedClearlyWithoutCallingBedrock() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", "claude").put("input", "hello");

        HttpResponse<String> r = api.post("/v1/embeddings", body);

        JsonNode error = Api.assertOpenAiError(r, 400);
        assertThat(error.path("message").asText()).contains("no embeddings");
        assertThat(bedrock.requests()).isEmpty();
    }

    @Test
    void aRemoteImageUrlIsRefusedBeforeCallingBedrock() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", "claude");
        ArrayNode parts = body.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "What is this?");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", "https://example.com/cat.png");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(Api.assertOpenAiError(r, 400).path("message").asText()).contains("inline");
        assertThat(bedrock.requests()).isEmpty();
    }

    @Test
    void anInlineImageIsSentAsBytesWithItsShortFormat() {
        ObjectNode body = Api.JSON.createObjectNode().put("model", "claude");
        ArrayNode parts = body.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "What is this?");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", "data:image/jpeg;base64,/9j/4AAQSkZJRg==");

        HttpResponse<String> r = api.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode image = bedrock.last().body().path("messages").path(0).path("content").path(1).path("image");
        assertThat(image.path("format").asText()).isEqualTo("jpeg");
        assertThat(image.path("source").path("bytes").asText()).isEqualTo("/9j/4AAQSkZJRg==");
    }
}
