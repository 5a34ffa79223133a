package dev.gantry.integration.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/chat}: one object, or NDJSON lines ({@code \n}-terminated, no blank lines) whose
 * last one alone has {@code done: true}. Tool calls arrive whole, arguments as an object.
 */
public final class OllamaSurface implements SurfaceClient {

    private static final String[] DURATIONS = {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"};

    private final String url;

    public OllamaSurface(String baseUrl) {
        this.url = baseUrl + "/api/chat";
    }

    static ObjectNode request(String model, boolean stream, boolean tools) {
        ObjectNode body = Http.JSON.createObjectNode().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", tools ? TOOL_PROMPT : PLAIN_PROMPT);
        if (tools) {
            ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
            fn.put("name", "get_weather").put("description", "Current weather in a city");
            ObjectNode params = fn.putObject("parameters").put("type", "object");
            params.putObject("properties").putObject("city").put("type", "string");
            params.putArray("required").add("city");
        }
        return body;
    }

    @Override
    public Reply chat(String model, boolean stream, boolean tools) {
        HttpResponse<String> r = Http.post(url, request(model, stream, tools), "authorization", "Bearer " + RunningGantry.MASTER_KEY);
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
        List<JsonNode> lines;
        if (stream) {
            assertThat(Http.contentType(r)).isEqualTo("application/x-ndjson");
            assertThat(r.body()).as("NDJSON body").endsWith("\n");
            lines = new ArrayList<>();
            for (String line : r.body().substring(0, r.body().length() - 1).split("\n", -1)) {
                assertThat(line).as("every line of %s", r.body()).isNotBlank();
                lines.add(Http.json(line));
            }
        } else {
            assertThat(Http.contentType(r)).startsWith("application/json");
            lines = List.of(Http.json(r.body()));
        }
        StringBuilder text = new StringBuilder();
        JsonNode call = null;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            boolean last = i == lines.size() - 1;
            assertThat(line.has("error")).as("error line %s", line).isFalse();
            assertThat(line.path("done").isBoolean()).as("done in %s", line).isTrue();
            assertThat(line.path("done").asBoolean()).as("done only on the last line: %s", line).isEqualTo(last);
            assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
            text.append(line.path("message").path("content").asText());
            JsonNode calls = line.path("message").path("tool_calls");
            if (calls.isArray() && !calls.isEmpty()) {
                assertThat(call).as("tool calls arrive once, whole").isNull();
                assertThat(calls.size()).isEqualTo(1);
                call = calls.get(0);
                assertThat(call.path("function").path("arguments").isObject()).as("arguments object in %s", call).isTrue();
            }
        }
        JsonNode done = lines.get(lines.size() - 1);
        for (String d : DURATIONS) {
            assertThat(done.path(d).isIntegralNumber() && done.path(d).asLong() >= 0).as("%s in %s", d, done).isTrue();
        }
        return new Reply(done.path("model").asText(), text.toString(), call == null ? null : call.path("id").asText(null),
                call == null ? null : call.path("function").path("name").asText(), call == null ? null : call.path("function").path("arguments"),
                done.path("done_reason").asText(), done.path("prompt_eval_count").asLong(-1), done.path("eval_count").asLong(-1), 0);
    }

    /** Ollama reports a turn that ended in tool calls as {@code stop}, too. */
    @Override
    public String expectedFinish(boolean tools) {
        return "stop";
    }

    @Override
    public long expectedInputTokens(ProviderKind kind) {
        return kind.promptTokens();
    }

    @Override
    public boolean passesThrough(ProviderKind kind) {
        return kind == ProviderKind.OLLAMA;
    }
}
