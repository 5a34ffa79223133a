package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official Anthropic Java SDK (anthropic-java 2.0.0) against a real Gantry in front of a fake Ollama. */
class AnthropicJavaSdkTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String EXPECTED_TEXT = "Hello from " + MODEL + "!";

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start(MODEL);
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
        client = sdk(AnthropicOkHttpClient.builder().apiKey(RunningGantry.MASTER_KEY));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
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

    /** Strict: the SDK validates every response against its schema, so a missing required field fails the call. */
    private static AnthropicClient sdk(AnthropicOkHttpClient.Builder builder) {
        return builder.baseUrl(gantry.baseUrl())
                .responseValidation(true)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static MessageCreateParams.Builder params() {
        return MessageCreateParams.builder().model(MODEL).maxTokens(256).addUserMessage("Say hello");
    }

    private static Tool weatherTool() {
        return Tool.builder()
                .name("get_weather")
                .description("Current weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    @Test
    void createReturnsAValidMessage() {
        Message message = client.messages().create(params().build());

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).text()).hasValueSatisfying(t -> assertThat(t.text()).isEqualTo(EXPECTED_TEXT));
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT);
        assertThat(message.usage().outputTokens()).isEqualTo(4);
        assertThat(message.model().asString()).isEqualTo(MODEL);
    }

    @Test
    void anAuthTokenSentAsBearerWorksToo() {
        AnthropicClient bearer = sdk(AnthropicOkHttpClient.builder().authToken(RunningGantry.MASTER_KEY));
        try {
            Message message = bearer.messages().create(params().system("Be brief.").build());

            assertThat(message.content().get(0).text()).isPresent();
            assertThat(ollama.lastChat().body().path("messages").get(0).path("content").asText()).isEqualTo("Be brief.");
        } finally {
            bearer.close();
        }
    }

    @Test
    void aStreamAccumulatesIntoTheSameMessage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params().build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> deltas.add(t.text()));
            });
        }
        Message message = accumulator.message();

        assertThat(deltas).containsExactly("Hello", " from", " " + MODEL, "!");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).text()).hasValueSatisfying(t -> assertThat(t.text()).isEqualTo(EXPECTED_TEXT));
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(4);
        assertThat(message.usage().inputTokens()).isEqualTo(FakeOllama.PROMPT_EVAL_COUNT);
    }

    @Test
    void aToolCallComesBackAsToolUseAndItsResultGoesBack() {
        Message first = client.messages().create(params().addTool(weatherTool()).build());

        assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = first.content().stream().map(ContentBlock::toolUse).flatMap(java.util.Optional::stream).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Oslo"));

        Message second = client.messages().create(params()
                .addTool(weatherTool())
                .addMessage(first)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("12 degrees, rain").build())))
                .build());

        assertThat(second.content()).isNotEmpty();
        var sent = ollama.lastChat().body().path("messages");
        assertThat(sent.get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo(use.id());
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("content").asText()).isEqualTo("12 degrees, rain");
    }

    @Test
    void aStreamedToolCallAccumulatesIntoAToolUseBlock() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params().addTool(weatherTool()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();

        assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = message.content().get(0).toolUse().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Oslo"));
    }

    @Test
    void countTokensAnswersAnEstimate() {
        long tokens = client.messages().countTokens(MessageCountTokensParams.builder()
                .model(MODEL).addUserMessage("Say hello").build()).inputTokens();

        assertThat(tokens).isBetween(1L, 20L);
        assertThat(ollama.chatRequests()).isEmpty();
    }

    @Test
    void errorsBecomeTheSdksExceptionTypes() {
        AnthropicClient wrongKey = sdk(AnthropicOkHttpClient.builder().apiKey("sk-wrong"));
        try {
            assertThatThrownBy(() -> wrongKey.messages().create(params().build())).isInstanceOf(UnauthorizedException.class);
        } finally {
            wrongKey.close();
        }
        assertThatThrownBy(() -> client.messages().create(params().model("claude-nowhere").build()))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((AnthropicServiceException) e).body().toString()).contains("not_found_error"));
        ollama.behaviour(MODEL).failWith(429, "{\"error\":\"too many requests\"}");
        assertThatThrownBy(() -> client.messages().create(params().build()))
                .isInstanceOf(RateLimitException.class)
                .satisfies(e -> assertThat(((AnthropicServiceException) e).headers().values("retry-after")).isNotEmpty());
    }
}
