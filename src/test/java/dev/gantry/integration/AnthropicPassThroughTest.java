package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.FakeAnthropic;
import dev.gantry.integration.AnthropicWire.Event;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Anthropic clients in front of a {@code provider: anthropic} deployment: the body goes on with
 * only {@code model} rewritten and the answer comes back byte for byte, through the surface's
 * relay sink.
 */
@Timeout(120)
class AnthropicPassThroughTest {

    private static final String PUBLIC = "claude-fast";
    private static final String UPSTREAM = "claude-upstream-1";
    private static final String KEY = "sk-ant-configured-upstream-key-0123";

    private static FakeAnthropic anthropic;
    private static RunningGantry gantry;
    private static AnthropicWire wire;

    @BeforeAll
    static void start() throws Exception {
        anthropic = FakeAnthropic.start(UPSTREAM);
        anthropic.requireApiKey(KEY);
        gantry = RunningGantry.start("""
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: %s
                    deployments:
                      - provider: anthropic
                        base_url: %s
                        model: %s
                        api_key: %s
                """.formatted(PUBLIC, anthropic.baseUrl(), UPSTREAM, KEY), "http://127.0.0.1:1");
        wire = new AnthropicWire(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    @BeforeEach
    void clean() {
        anthropic.reset();
    }

    /** A body using what only Anthropic understands: cache_control, metadata, top_k, is_error. */
    private static ObjectNode richBody(boolean stream) {
        ObjectNode body = AnthropicWire.weatherTool(AnthropicWire.message(PUBLIC, stream));
        body.putArray("system").addObject().put("type", "text").put("text", "Be brief.")
                .putObject("cache_control").put("type", "ephemeral");
        body.putObject("metadata").put("user_id", "u-42");
        body.put("top_k", 5);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Weather in Oslo?");
        ObjectNode use = messages.addObject().put("role", "assistant").putArray("content").addObject()
                .put("type", "tool_use").put("id", "toolu_01").put("name", "get_weather");
        use.putObject("input").put("city", "Oslo");
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "tool_result")
                .put("tool_use_id", "toolu_01").put("content", "timeout").put("is_error", true);
        return body;
    }

    @Test
    void aWholeAnswerIsTheUpstreamsBytesAndTheBodyGoesOnUnchangedButForModel() {
        ObjectNode body = richBody(false);

        HttpResponse<String> r = wire.post("/v1/messages", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(anthropic.lastReply());
        assertThat(Api.json(r).path("model").asText()).as("pass-through keeps the upstream's model").isEqualTo(UPSTREAM);
        JsonNode sent = anthropic.lastMessages().body();
        ObjectNode expected = body.deepCopy().put("model", UPSTREAM);
        assertThat(sent).isEqualTo(expected);
    }

    @Test
    void aStreamIsRelayedByteForByteIncludingTheUpstreamsPings() {
        HttpResponse<String> r = wire.post("/v1/messages", richBody(true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(r.body()).isEqualTo(anthropic.lastReply());
        assertThat(AnthropicWire.names(AnthropicWire.events(r.body()))).contains("ping").endsWith("message_stop");
    }

    @Test
    void anInBandUpstreamErrorEndsTheRelayedStreamWithGantrysErrorEvent() {
        anthropic.behaviour(UPSTREAM).inBandErrorAfterChunks(2, "Overloaded");

        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.message(PUBLIC, true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<Event> events = AnthropicWire.events(r.body());
        assertThat(AnthropicWire.names(events)).doesNotContain("message_stop", "message_delta").last().isEqualTo("error");
        JsonNode error = events.get(events.size() - 1).data();
        assertThat(error.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(error.path("request_id").asText()).as("Gantry's request id, not the upstream's").startsWith("req_").isNotEqualTo("req_fake_error");
        assertThat(AnthropicWire.names(events)).as("relayed up to the error").startsWith("message_start");
    }

    @Test
    void anUpstream529BeforeTheAnswerIsA503OverloadedError() {
        anthropic.behaviour(UPSTREAM).failWith(529, FakeAnthropic.errorBody(529, "Overloaded"));

        HttpResponse<String> r = wire.post("/v1/messages", AnthropicWire.message(PUBLIC, true));

        AnthropicWire.assertError(r, 503, "overloaded_error");
        assertThat(r.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void aServerToolIsNotRefusedOnThePassThroughPath() {
        ObjectNode body = AnthropicWire.message(PUBLIC, false);
        body.putArray("tools").addObject().put("type", "web_search_20250305").put("name", "web_search");

        wire.post("/v1/messages", body);

        // The fake's strict check may refuse the tool itself; what matters is that Gantry sent it on as it was.
        assertThat(anthropic.lastMessages()).isNotNull();
        assertThat(anthropic.lastMessages().body().path("tools").get(0).path("type").asText()).isEqualTo("web_search_20250305");
    }
}
