package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.gantry.integration.matrix.ProviderKind;
import dev.gantry.integration.matrix.Upstreams;
import dev.gantry.testing.RunningGantry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** openai-java 2.0.0 (response validation on) against one Gantry with a model per provider kind: the core flows on each. */
class OpenAiJavaSdkMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Upstreams upstreams;
    private static RunningGantry gantry;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        upstreams = Upstreams.start();
        gantry = RunningGantry.start(upstreams.config(), "http://127.0.0.1:1");
        client = OpenAIOkHttpClient.builder()
                .baseUrl(gantry.baseUrl() + "/v1")
                .apiKey(RunningGantry.MASTER_KEY)
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

    private static ChatCompletionCreateParams.Builder chat(ProviderKind kind, String prompt) {
        return ChatCompletionCreateParams.builder().model(kind.publicModel()).addUserMessage(prompt);
    }

    private static ChatCompletionTool weatherTool() {
        return ChatCompletionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather for a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }

    private static void assertOsloCall(ChatCompletion.Choice choice) throws Exception {
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).id()).isNotBlank();
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(calls.get(0).function().arguments())).isEqualTo(JSON.readTree("{\"city\":\"Oslo\"}"));
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void nonStreamedText(ProviderKind kind) {
        ChatCompletion completion = client.chat().completions().create(chat(kind, "Say hello").build());

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.message().content()).contains(kind.greeting());
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(kind.promptTokens());
            assertThat(u.completionTokens()).isEqualTo(kind.outputTokens(false));
        });
        assertThat(upstreams.chats(kind)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void streamedText(ProviderKind kind) {
        ChatCompletionCreateParams params = chat(kind, "Say hello")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }

        assertThat(text.toString()).isEqualTo(kind.greeting());
        ChatCompletion whole = accumulator.chatCompletion();
        assertThat(whole.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(whole.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(kind.promptTokens()));
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void oneToolCall(ProviderKind kind) throws Exception {
        ChatCompletion completion = client.chat().completions().create(chat(kind, "Weather in Oslo?").addTool(weatherTool()).build());

        assertOsloCall(completion.choices().get(0));
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(kind.outputTokens(true)));
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void oneStreamedToolCall(ProviderKind kind) throws Exception {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat(kind, "Weather in Oslo?").addTool(weatherTool()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertOsloCall(accumulator.chatCompletion().choices().get(0));
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void embeddingsOrAClearRefusal(ProviderKind kind) {
        EmbeddingCreateParams params = EmbeddingCreateParams.builder()
                .model(kind.publicModel()).inputOfArrayOfStrings(List.of("first text", "second text")).build();
        if (!kind.embeddings()) {
            assertThatThrownBy(() -> client.embeddings().create(params))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("embeddings");
            return;
        }
        CreateEmbeddingResponse response = client.embeddings().create(params);

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(0).embedding()).isNotEmpty();
    }
}
