package dev.gantry.integration.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/messages}: a Messages object, or Anthropic's exact event sequence
 * {@code message_start, content_block_start, ping, content_block_delta+, content_block_stop,
 * message_delta, message_stop}, each event with an {@code event:} line equal to its JSON type.
 */
public final class AnthropicSurface implements SurfaceClient {

    private static final String ID = "^[a-zA-Z0-9_-]+$";

    private final String url;

    public AnthropicSurface(String baseUrl) {
        this.url = baseUrl + "/v1/messages";
    }

    static ObjectNode request(String model, boolean stream, boolean tools) {
        ObjectNode body = Http.JSON.createObjectNode().put("model", model).put("max_tokens", 256);
        body.putArray("messages").addObject().put("role", "user").put("content", tools ? TOOL_PROMPT : PLAIN_PROMPT);
        if (stream) {
            body.put("stream", true);
        }
        if (tools) {
            ObjectNode tool = body.putArray("tools").addObject().put("name", "get_weather").put("description", "Current weather in a city");
            ObjectNode schema = tool.putObject("input_schema").put("type", "object");
            schema.putObject("properties").putObject("city").put("type", "string");
            schema.putArray("required").add("city");
        }
        return body;
    }

    @Override
    public Reply chat(String model, boolean stream, boolean tools) {
        HttpResponse<String> r = Http.post(url, request(model, stream, tools),
                "x-api-key", RunningGantry.MASTER_KEY, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
        return stream ? readStream(r, tools) : readWhole(r);
    }

    private static Reply readWhole(HttpResponse<String> r) {
        assertThat(Http.contentType(r)).startsWith("application/json");
        JsonNode body = Http.json(r.body());
        assertThat(body.path("type").asText()).isEqualTo("message");
        assertThat(body.path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("id").asText()).startsWith("msg_");
        assertThat(body.path("content").size()).as("one content block in %s", body).isEqualTo(1);
        JsonNode block = body.path("content").get(0);
        JsonNode usage = body.path("usage");
        String text = block.path("type").asText().equals("text") ? block.path("text").asText() : "";
        boolean use = block.path("type").asText().equals("tool_use");
        if (use) {
            assertThat(block.path("id").asText()).matches(ID);
            assertThat(block.path("input").isObject()).as("input is an object in %s", block).isTrue();
        }
        return new Reply(body.path("model").asText(), text, use ? block.path("id").asText() : null,
                use ? block.path("name").asText() : null, use ? block.path("input") : null, body.path("stop_reason").asText(),
                usage.path("input_tokens").asLong(-1), usage.path("output_tokens").asLong(-1),
                usage.path("cache_read_input_tokens").asLong(0));
    }

    private static Reply readStream(HttpResponse<String> r, boolean tools) {
        assertThat(Http.contentType(r)).startsWith("text/event-stream");
        List<SseEvents.Event> events = SseEvents.parse(r.body());
        List<String> names = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        for (SseEvents.Event e : events) {
            assertThat(e.name()).as("event line of %s", e.data()).isNotNull();
            JsonNode json = Http.json(e.data());
            assertThat(json.path("type").asText()).as("event name equals data type").isEqualTo(e.name());
            names.add(e.name());
            data.add(json);
        }
        int deltas = names.size() - 6;
        assertThat(deltas).as("events %s", names).isPositive();
        List<String> expected = new ArrayList<>(List.of("message_start", "content_block_start", "ping"));
        expected.addAll(java.util.Collections.nCopies(deltas, "content_block_delta"));
        expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
        assertThat(names).as("exact event order").isEqualTo(expected);

        JsonNode message = data.get(0).path("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("content").isEmpty()).isTrue();
        JsonNode block = data.get(1).path("content_block");
        assertThat(data.get(1).path("index").asInt(-1)).isZero();
        assertThat(block.path("type").asText()).isEqualTo(tools ? "tool_use" : "text");
        StringBuilder text = new StringBuilder();
        StringBuilder json = new StringBuilder();
        for (JsonNode d : data.subList(3, 3 + deltas)) {
            assertThat(d.path("index").asInt(-1)).isZero();
            JsonNode delta = d.path("delta");
            assertThat(delta.path("type").asText()).isEqualTo(tools ? "input_json_delta" : "text_delta");
            text.append(delta.path("text").asText(""));
            json.append(delta.path("partial_json").asText(""));
        }
        assertThat(data.get(3 + deltas).path("index").asInt(-1)).isZero();
        JsonNode messageDelta = data.get(4 + deltas);
        JsonNode startUsage = message.path("usage");
        JsonNode endUsage = messageDelta.path("usage");
        // message_start may only hold an estimate; the real input count then comes in message_delta.
        long input = endUsage.has("input_tokens") ? endUsage.path("input_tokens").asLong() : startUsage.path("input_tokens").asLong(-1);
        String id = tools ? block.path("id").asText() : null;
        if (tools) {
            assertThat(id).matches(ID);
            assertThat(block.path("input").isObject() && block.path("input").isEmpty()).as("empty input at start: %s", block).isTrue();
        }
        return new Reply(message.path("model").asText(), text.toString(), id, tools ? block.path("name").asText() : null,
                tools ? Http.json(json.isEmpty() ? "{}" : json.toString()) : null, messageDelta.path("delta").path("stop_reason").asText(),
                input, endUsage.path("output_tokens").asLong(-1), startUsage.path("cache_read_input_tokens").asLong(0));
    }

    @Override
    public String expectedFinish(boolean tools) {
        return tools ? "tool_use" : "end_turn";
    }

    /** Anthropic's {@code input_tokens} excludes what was read from the prompt cache. */
    @Override
    public long expectedInputTokens(ProviderKind kind) {
        return kind.promptTokens() - kind.cacheReadTokens();
    }

    @Override
    public boolean passesThrough(ProviderKind kind) {
        return kind == ProviderKind.ANTHROPIC;
    }
}
