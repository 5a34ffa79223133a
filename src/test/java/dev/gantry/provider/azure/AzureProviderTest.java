package dev.gantry.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.GantryConfig;
import dev.gantry.config.GantryConfig.Price;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.fake.FakeAzure;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The translated path of the Azure provider (used when the client's API is not OpenAI's): Azure's
 * stream decoded into canonical chunks, its filter chunks skipped, its filters mapped.
 */
@Timeout(60)
class AzureProviderTest {

    private static FakeAzure azure;
    private static Vertx vertx;
    private static AzureProvider provider;
    private static Deployment deployment;

    @BeforeAll
    static void start() throws Exception {
        azure = FakeAzure.start("azure-test-key", "my-deployment");
        vertx = Vertx.vertx();
        provider = new AzureProvider(new UpstreamClient(vertx, GantryConfig.Routing.defaults()));
        deployment = new Deployment("azure@test/my-deployment", "azure-gpt", ProviderType.AZURE, azure.baseUrl(),
                "my-deployment", "azure-test-key", 1, false, Price.FREE);
    }

    @AfterAll
    static void stop() {
        vertx.close();
        azure.close();
    }

    @BeforeEach
    void clean() {
        azure.reset();
    }

    /** What a sink received: the chunks, then how the stream ended. */
    private record Outcome(List<ChatChunk> chunks, GatewayError error) {
        String text() {
            StringBuilder sb = new StringBuilder();
            chunks.stream().filter(ChatChunk::hasText).forEach(c -> sb.append(c.text()));
            return sb.toString();
        }
    }

    private static Outcome chat(ChatRequest request) throws Exception {
        List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        vertx.runOnContext(v -> provider.chat(new Exchange("chat"), deployment, request, new ChunkSink() {
            @Override
            public void onChunk(ChatChunk chunk) {
                chunks.add(chunk);
            }

            @Override
            public void onEnd() {
                done.complete(new Outcome(chunks, null));
            }

            @Override
            public void onError(GatewayError error) {
                done.complete(new Outcome(chunks, error));
            }
        }).onFailure(done::completeExceptionally));
        return done.get(20, TimeUnit.SECONDS);
    }

    private static ChatRequest request(Integer maxTokens) {
        return new ChatRequest("azure-gpt", List.of(Message.text(Role.USER, "Say hello")), true, false, maxTokens,
                null, null, null, null, null, null, null, Map.of());
    }

    @Test
    void theStreamIsDecodedAndTheEmptyFilterChunkCarriesNothing() throws Exception {
        Outcome out = chat(request(50));

        assertThat(out.error()).isNull();
        assertThat(out.text()).isEqualTo("Hello from my-deployment!");
        assertThat(out.chunks()).allSatisfy(c -> assertThat(c.hasText() || c.finish() != null || c.usage() != null).isTrue());
        assertThat(out.chunks()).filteredOn(c -> c.finish() != null).singleElement()
                .satisfies(c -> assertThat(c.finish()).isEqualTo(FinishReason.STOP));
        assertThat(out.chunks()).filteredOn(c -> c.usage() != null).singleElement()
                .satisfies(c -> assertThat(c.usage()).isEqualTo(new Usage(FakeAzure.PROMPT_TOKENS, 4, false)));
        assertThat(azure.lastUri()).isEqualTo("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21");
        assertThat(azure.last().body().path("max_completion_tokens").asInt()).as("Azure takes the new token-limit name").isEqualTo(50);
        assertThat(azure.last().body().has("max_tokens")).isFalse();
    }

    @Test
    void anOutputFilterIsFinishReasonContentFilter() throws Exception {
        azure.filterOutputAfter("my-deployment", 1);

        Outcome out = chat(request(null));

        assertThat(out.error()).isNull();
        assertThat(out.text()).isEqualTo("Hello");
        assertThat(out.chunks()).anySatisfy(c -> assertThat(c.finish()).isEqualTo(FinishReason.CONTENT_FILTER));
    }

    @Test
    void aFilteredPromptFailsTheCallAsBlocked() {
        azure.behaviour("my-deployment").failWith(400, FakeAzure.CONTENT_FILTER_BODY);

        assertThatThrownBy(() -> chat(request(null)))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BLOCKED);
                    assertThat(e.code()).isEqualTo("content_filter");
                    assertThat(e.retryable()).isFalse();
                });
    }
}
