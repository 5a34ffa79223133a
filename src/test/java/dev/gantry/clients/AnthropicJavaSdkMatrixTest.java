package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import dev.gantry.integration.matrix.ProviderKind;
import dev.gantry.integration.matrix.Upstreams;
import dev.gantry.testing.RunningGantry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** anthropic-java 2.0.0 (response validation on) against one Gantry with a model per provider kind: messages, stream, tools on each. */
class AnthropicJavaSdkMatrixTest {

    private static Upstreams upstreams;
    private static RunningGantry gantry;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        upstreams = Upstreams.start();
        gantry = RunningGantry.start(upstreams.config(), "http://127.0.0.1:1");
        client = AnthropicOkHttpClient.builder()
                .apiKey(RunningGantry.MASTER_KEY)
                .baseUrl(gantry.baseUrl())
                .responseValidation(true)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (gantry != null) {
            gantry.close();
        }
        if (upstreams != null) {
            upstreams.close();
        }
    }

    @BeforeEach
    void clean() {
        upstreams.reset();
    }

    private static MessageCreateParams.Builder params(ProviderKind kind, String prompt) {
        return MessageCreateParams.builder().model(kind.publicModel()).maxTokens(256).addUserMessage(prompt);
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

    private static Message accumulate(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    private static void assertGreeting(Message message, ProviderKind kind) {
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).text()).hasValueSatisfying(t -> assertThat(t.text()).isEqualTo(kind.greeting()));
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(kind.promptTokens() - kind.cacheReadTokens());
        assertThat(message.usage().outputTokens()).isEqualTo(kind.outputTokens(false));
    }

    private static void assertOsloCall(Message message) {
        assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = new ArrayList<>();
        message.content().stream().map(ContentBlock::toolUse).flatMap(Optional::stream).forEach(uses::add);
        assertThat(uses).hasSize(1);
        assertThat(uses.get(0).id()).matches("[a-zA-Z0-9_-]+");
        assertThat(uses.get(0).name()).isEqualTo("get_weather");
        assertThat(uses.get(0)._input().convert(Map.class)).isEqualTo(Map.of("city", "Oslo"));
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void create(ProviderKind kind) {
        assertGreeting(client.messages().create(params(kind, "Say hello").build()), kind);
        assertThat(upstreams.chats(kind)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void stream(ProviderKind kind) {
        assertGreeting(accumulate(params(kind, "Say hello").build()), kind);
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void toolUse(ProviderKind kind) {
        Message message = client.messages().create(params(kind, "Weather in Oslo?").addTool(weatherTool()).build());

        assertOsloCall(message);
        assertThat(message.usage().outputTokens()).isEqualTo(kind.outputTokens(true));
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void streamedToolUse(ProviderKind kind) {
        assertOsloCall(accumulate(params(kind, "Weather in Oslo?").addTool(weatherTool()).build()));
    }
}
