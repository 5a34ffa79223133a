package dev.gantry.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.config.GantryConfig;
import dev.gantry.fake.FakeAnthropic;
import dev.gantry.fake.Recorded;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.Json;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pass-through path for Anthropic clients: the provider relays the upstream's bytes and reads only usage. */
@Timeout(60)
class AnthropicRelayTest {

    private static final String UPSTREAM = "claude-x";
    private static final String KEY = "sk-ant-test";
    private static final Usage USAGE = new Usage(FakeAnthropic.INPUT_TOKENS + FakeAnthropic.CACHE_READ_TOKENS, 4, false);

    private static FakeAnthropic anthropic;
    private static Vertx vertx;
    private static AnthropicProvider provider;
    private static Deployment deployment;

    @BeforeAll
    static void start() throws Exception {
        anthropic = FakeAnthropic.start(UPSTREAM);
        anthropic.requireApiKey(KEY);
        vertx = Vertx.vertx();
        provider = new AnthropicProvider(new UpstreamClient(vertx, GantryConfig.Routing.defaults()));
        deployment = new Deployment("anthropic@test/" + UPSTREAM, "claude", ProviderType.ANTHROPIC, anthropic.baseUrl(), UPSTREAM,
                KEY, 1, false, GantryConfig.Price.FREE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    @BeforeEach
    void clean() {
        anthropic.reset();
    }

    /** Collects what the provider hands the surface. */
    private static final class Collecting implements RawSink {
        final Buffer bytes = Buffer.buffer();
        int writes;
        final CompletableFuture<Usage> end = new CompletableFuture<>();
        final CompletableFuture<GatewayError> error = new CompletableFuture<>();

        @Override
        public void onBytes(Buffer b) {
            bytes.appendBuffer(b);
            writes++;
        }

        @Override
        public void onEnd(Usage usage) {
            end.complete(usage);
        }

        @Override
        public void onError(GatewayError e) {
            error.complete(e);
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** An Anthropic client's body with fields the relay must leave alone (the translating codec would drop some). */
    private static ObjectNode clientBody(boolean stream) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("""
                {"model":"claude","max_tokens":100,"stream":%s,"system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
                 "metadata":{"user_id":"u-42"},"top_k":3,"messages":[{"role":"user","content":"Hi \\u00fc"}]}""".formatted(stream));
    }

    private static ChatRequest parsed(boolean stream) {
        return new ChatRequest("claude", List.of(Message.text(Role.USER, "Hi ü")), stream, false, 100, null, null, null, null, null,
                null, null, null);
    }

    /** Calls relayChat on an event loop, as the gateway does; the future is the call's acceptance. */
    private static CompletableFuture<Void> relay(ObjectNode body, boolean stream, Collecting sink) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        vertx.runOnContext(v -> provider.relayChat(new Exchange("chat"), deployment, body, parsed(stream), sink)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        accepted.complete(null);
                    } else {
                        accepted.completeExceptionally(ar.cause());
                    }
                }));
        return accepted;
    }

    private static void assertOnlyModelRewritten(ObjectNode original) {
        Recorded up = anthropic.lastMessages();
        ObjectNode expected = original.deepCopy().put("model", UPSTREAM);
        assertThat(up.body()).isEqualTo(expected);
        assertThat(up.header("x-api-key")).isEqualTo(KEY);
        assertThat(up.header("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void aStreamIsRelayedByteForByteAndItsUsageIsRead() throws Exception {
        ObjectNode body = clientBody(true);
        ObjectNode original = body.deepCopy();
        Collecting sink = new Collecting();

        relay(body, true, sink).get(10, TimeUnit.SECONDS);
        Usage usage = sink.end.get(10, TimeUnit.SECONDS);

        assertThat(sink.error).isNotDone();
        assertThat(sink.text()).isEqualTo(anthropic.lastReply());
        assertThat(sink.text()).contains("event: ping").endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(sink.writes).as("relayed event by event").isGreaterThan(5);
        assertThat(usage).isEqualTo(USAGE);
        assertOnlyModelRewritten(original);
    }

    @Test
    void aNonStreamedAnswerIsRelayedWholeWithUsageFromItsBody() throws Exception {
        ObjectNode body = clientBody(false);
        ObjectNode original = body.deepCopy();
        Collecting sink = new Collecting();

        relay(body, false, sink).get(10, TimeUnit.SECONDS);
        Usage usage = sink.end.get(10, TimeUnit.SECONDS);

        assertThat(sink.text()).isEqualTo(anthropic.lastReply());
        assertThat(Json.MAPPER.readTree(sink.text()).path("type").asText()).isEqualTo("message");
        assertThat(usage).isEqualTo(USAGE);
        assertOnlyModelRewritten(original);
    }

    @Test
    void usageOfAToolCallAnswerCountsTheCall() throws Exception {
        anthropic.behaviour(UPSTREAM).toolCall("toolu_1", "get_weather", "{\"city\":\"Oslo\"}");
        Collecting sink = new Collecting();

        relay(clientBody(true), true, sink).get(10, TimeUnit.SECONDS);

        assertThat(sink.end.get(10, TimeUnit.SECONDS).outputTokens()).isEqualTo(FakeAnthropic.TOOL_CALL_TOKENS);
        assertThat(sink.text()).contains("\"partial_json\"").isEqualTo(anthropic.lastReply());
    }

    @Test
    void anInBandErrorEventIsNotRelayedButReportedAsAnError() throws Exception {
        anthropic.behaviour(UPSTREAM).inBandErrorAfterChunks(4, "Overloaded");
        Collecting sink = new Collecting();

        relay(clientBody(true), true, sink).get(10, TimeUnit.SECONDS);
        GatewayError error = sink.error.get(10, TimeUnit.SECONDS);

        assertThat(error.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(error.getMessage()).contains("Overloaded");
        assertThat(sink.end).isNotDone();
        assertThat(sink.text()).doesNotContain("event: error").contains("\"text\":\"Hello\"");
        assertThat(anthropic.lastReply()).startsWith(sink.text());
    }

    @Test
    void aStreamCutBeforeMessageStopIsAnUpstreamError() throws Exception {
        anthropic.behaviour(UPSTREAM).resetAfterChunks(5);
        Collecting sink = new Collecting();

        relay(clientBody(true), true, sink).get(10, TimeUnit.SECONDS);
        GatewayError error = sink.error.get(10, TimeUnit.SECONDS);

        assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(sink.end).isNotDone();
        assertThat(sink.text()).doesNotContain("message_stop");
    }

    @Test
    void anOverloadedUpstreamFailsTheCallAsRetryableBeforeAnyByte() throws Exception {
        anthropic.behaviour(UPSTREAM).failWith(529, FakeAnthropic.errorBody(529, "Overloaded")).retryAfter(4);
        Collecting sink = new Collecting();

        CompletableFuture<Void> accepted = relay(clientBody(true), true, sink);

        Throwable cause = accepted.handle((v, t) -> t).get(10, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfterSeconds()).isEqualTo(4L);
        });
        assertThat(sink.writes).isZero();
    }

    @Test
    void scanningUsageReadsOnlyTheTopLevelObject() {
        String body = "{\"id\":\"msg_1\",\"content\":[{\"type\":\"tool_use\",\"input\":{\"usage\":{\"input_tokens\":999}}}],"
                + "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":1,\"output_tokens\":7}}";
        assertThat(AnthropicWire.scanUsage(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(new Usage(6, 7, false));
        assertThat(AnthropicWire.scanUsage("{\"id\":\"msg_1\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(AnthropicWire.scanUsage("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void theProviderRelaysForAnthropicClientsOnly() {
        assertThat(provider.wireApi()).isEqualTo("anthropic");
    }
}
