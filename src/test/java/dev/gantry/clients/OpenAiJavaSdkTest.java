package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
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
import com.openai.models.models.Model;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK (openai-java 2.0.0) against a real Gantry in front of a fake Ollama. */
class OpenAiJavaSdkTest {

    private static final String CHAT_MODEL = "llama3.2:1b";
    private static final String EMBED_MODEL = "nomic-embed-text:latest";
    private static final String EXPECTED_TEXT = "Hello from " + CHAT_MODEL + "!";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start();
        ollama.setModels(CHAT_MODEL, EMBED_MODEL);
        gantry = RunningGantry.start("", ollama.baseUrl());
        client = sdk(RunningGantry.MASTER_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
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

    /** Strict: the SDK validates every response against its schema, so a missing required field fails the call. */
    private static OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(gantry.baseUrl() + "/v1")
                .apiKey(key)
                .responseValidation(true)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static ChatCompletionCreateParams.Builder chat(String prompt) {
        return ChatCompletionCreateParams.builder().model(CHAT_MODEL).addUserMessage(prompt);
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

    private static void assertOsloArguments(String arguments) throws Exception {
        assertThat(JSON.readTree(arguments)).as("arguments %s", arguments).isEqualTo(JSON.readTree("{\"city\":\"Oslo\"}"));
    }

    @Test
    void nonStreamingChat() {
        ChatCompletion completion = client.chat().completions().create(chat("Say hello").build());

        assertThat(completion.id()).isNotBlank();
        assertThat(completion.model()).isEqualTo(CHAT_MODEL);
        assertThat(completion.choices()).hasSize(1);
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.index()).isZero();
        assertThat(choice.message().content()).contains(EXPECTED_TEXT);
        assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(12);
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
        });
    }

    @Test
    void streamingChatReassemblesTheWholeText() {
        ChatCompletionCreateParams params = chat("Say hello")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }

        assertThat(text.toString()).isEqualTo(EXPECTED_TEXT);
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.get(chunks.size() - 1).usage())
                .as("include_usage puts usage on the last chunk")
                .hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(12));

        ChatCompletion whole = accumulator.chatCompletion();
        assertThat(whole.choices()).hasSize(1);
        assertThat(whole.choices().get(0).message().content()).contains(EXPECTED_TEXT);
        assertThat(whole.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void nonStreamingToolCall() throws Exception {
        ChatCompletion completion = client.chat().completions().create(chat("Weather in Oslo?").addTool(weatherTool()).build());

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        ChatCompletionMessageToolCall call = calls.get(0);
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertOsloArguments(call.function().arguments());
    }

    @Test
    void streamedToolCallReassembles() throws Exception {
        ChatCompletionCreateParams params = chat("Weather in Oslo?").addTool(weatherTool()).build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> {
                    c.delta().toolCalls().ifPresent(deltas::addAll);
                    c.finishReason().ifPresent(finishes::add);
                });
            });
        }

        assertThat(deltas).isNotEmpty();
        assertThat(deltas).extracting(ChatCompletionChunk.Choice.Delta.ToolCall::index).containsOnly(0L);
        assertThat(deltas.get(0).id()).as("the first delta of a tool call carries its id").isPresent();
        assertThat(deltas.get(0).function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name))
                .as("the first delta of a tool call carries its name")
                .contains("get_weather");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);

        ChatCompletion whole = accumulator.chatCompletion();
        ChatCompletion.Choice choice = whole.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).id()).isEqualTo(deltas.get(0).id().orElseThrow()).isNotBlank();
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        assertOsloArguments(calls.get(0).function().arguments());
    }

    @Test
    void embeddingsWithTheSdkDefaultAndWithExplicitFloat() {
        List<String> input = List.of("first text", "second text");
        CreateEmbeddingResponse byDefault = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBED_MODEL).inputOfArrayOfStrings(input).build());
        CreateEmbeddingResponse asFloat = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBED_MODEL).inputOfArrayOfStrings(input)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

        for (CreateEmbeddingResponse response : List.of(byDefault, asFloat)) {
            assertThat(response.model()).isEqualTo(EMBED_MODEL);
            assertThat(response.data()).hasSize(2);
            assertThat(response.data()).extracting(e -> e.index()).containsExactly(0L, 1L);
            for (var embedding : response.data()) {
                assertThat(embedding.embedding()).hasSize(8);
                double norm = Math.sqrt(embedding.embedding().stream().mapToDouble(x -> x * x).sum());
                assertThat(norm).isCloseTo(1.0, within(1e-3));
            }
            assertThat(response.usage().promptTokens()).isPositive();
        }
        for (int i = 0; i < input.size(); i++) {
            double[] expected = FakeOllama.embeddingFor(input.get(i));
            List<Double> actual = asFloat.data().get(i).embedding();
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual.get(j)).as("embedding %d[%d]", i, j).isCloseTo(expected[j], within(1e-6));
            }
        }
        assertThat(byDefault.data().get(0).embedding()).isEqualTo(asFloat.data().get(0).embedding());
        assertThat(byDefault.data().get(0).embedding()).isNotEqualTo(byDefault.data().get(1).embedding());

        CreateEmbeddingResponse single = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBED_MODEL).input("first text").build());
        assertThat(single.data()).hasSize(1);
        assertThat(single.data().get(0).embedding()).isEqualTo(byDefault.data().get(0).embedding());
    }

    /**
     * Pins down what "the SDK default" is: openai-java 2.0.0 sends no {@code encoding_format} at all
     * (so the server's default, float, applies), unlike the Python and Node SDKs, which ask for base64.
     */
    @Test
    void sdkDefaultEmbeddingsRequestOmitsEncodingFormat() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        HttpServer capture = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        capture.createContext("/v1/embeddings", exchange -> {
            seen.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = ("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.6,0.8]}],"
                    + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        capture.start();
        OpenAIClient direct = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + capture.getAddress().getPort() + "/v1")
                .apiKey("k").maxRetries(0).build();
        try {
            direct.embeddings().create(EmbeddingCreateParams.builder().model("m").input("x").build());
        } finally {
            direct.close();
            capture.stop(0);
        }
        JsonNode request = JSON.readTree(seen.get());
        assertThat(request.has("encoding_format")).as("request %s", request).isFalse();
    }

    @Test
    void modelsListAndRetrieve() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).contains(CHAT_MODEL, EMBED_MODEL);
        assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isNotBlank());

        Model one = client.models().retrieve(CHAT_MODEL);
        assertThat(one.id()).isEqualTo(CHAT_MODEL);
        assertThat(one.created()).isPositive();
    }

    @Test
    void wrongKeyRaisesUnauthorized() {
        OpenAIClient bad = sdk("sk-not-a-valid-key");
        try {
            assertThatThrownBy(() -> bad.chat().completions().create(chat("hi").build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
            assertThatThrownBy(() -> bad.models().list())
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            bad.close();
        }
    }

    @Test
    void unknownModelRaisesNotFound() {
        assertThatThrownBy(() -> client.chat().completions().create(
                        ChatCompletionCreateParams.builder().model("no-such-model").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> {
                    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                            ChatCompletionCreateParams.builder().model("no-such-model").addUserMessage("hi").build())) {
                        stream.stream().forEach(chunk -> { });
                    }
                })
                .as("a streaming request for an unknown model fails before the stream starts")
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.models().retrieve("no-such-model"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
                        .model("no-such-model").input("x").build()))
                .isInstanceOf(NotFoundException.class);
    }
}
