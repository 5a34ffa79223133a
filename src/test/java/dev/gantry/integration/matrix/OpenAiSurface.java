package dev.gantry.integration.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/chat/completions}: JSON, or SSE chunks ending with exactly one {@code data: [DONE]}. */
public final class OpenAiSurface implements SurfaceClient {

    private final String url;

    public OpenAiSurface(String baseUrl) {
        this.url = baseUrl + "/v1/chat/completions";
    }

    static ObjectNode request(String model, boolean stream, boolean tools) {
        ObjectNode body = Http.JSON.createObjectNode().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", tools ? TOOL_PROMPT : PLAIN_PROMPT);
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
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
        return stream ? readStream(r) : readWhole(r);
    }

    private static Reply readWhole(HttpResponse<String> r) {
        assertThat(Http.contentType(r)).startsWith("application/json");
        JsonNode body = Http.json(r.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).isNotBlank();
        assertThat(body.path("choices").size()).as("choices in %s", body).isEqualTo(1);
        JsonNode choice = body.path("choices").get(0);
        JsonNode message = choice.path("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        JsonNode calls = message.path("tool_calls");
        String id = null;
        String name = null;
        JsonNode args = null;
        if (calls.isArray() && !calls.isEmpty()) {
            assertThat(calls.size()).as("tool calls in %s", body).isEqualTo(1);
            JsonNode call = calls.get(0);
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(call.path("function").path("arguments").isTextual()).as("arguments are a JSON string in %s", call).isTrue();
            id = call.path("id").asText(null);
            name = call.path("function").path("name").asText();
            args = Http.json(call.path("function").path("arguments").asText());
        }
        JsonNode usage = body.path("usage");
        assertThat(usage.path("total_tokens").asLong())
                .isEqualTo(usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong());
        return new Reply(body.path("model").asText(), message.path("content").asText(""), id, name, args,
                choice.path("finish_reason").asText(), usage.path("prompt_tokens").asLong(-1), usage.path("completion_tokens").asLong(-1), 0);
    }

    private static Reply readStream(HttpResponse<String> r) {
        assertThat(Http.contentType(r)).startsWith("text/event-stream");
        List<String> data = SseEvents.dataOf(r.body());
        assertThat(data).as("SSE data of %s", r.body()).isNotEmpty();
        assertThat(data.get(data.size() - 1)).as("the stream ends with [DONE]").isEqualTo("[DONE]");
        assertThat(data.stream().filter("[DONE]"::equals).count()).as("[DONE] once").isEqualTo(1);
        StringBuilder text = new StringBuilder();
        String firstId = null;
        String model = null;
        String finish = null;
        JsonNode usage = null;
        List<String[]> calls = new ArrayList<>(); // index -> {id, name, arguments}
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = Http.json(d);
            assertThat(chunk.has("error")).as("in-band error %s", d).isFalse();
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            firstId = firstId == null ? chunk.path("id").asText() : firstId;
            assertThat(chunk.path("id").asText()).as("one id for all chunks").isEqualTo(firstId);
            model = chunk.path("model").asText();
            if (chunk.path("usage").isObject()) {
                assertThat(usage).as("one usage chunk").isNull();
                assertThat(chunk.path("choices").isEmpty()).as("the usage chunk has no choices: %s", d).isTrue();
                usage = chunk.path("usage");
                continue;
            }
            assertThat(usage).as("no chunk after the usage chunk, got %s", d).isNull();
            assertThat(chunk.path("choices").size()).as("one choice in %s", d).isEqualTo(1);
            JsonNode choice = chunk.path("choices").get(0);
            assertThat(finish).as("nothing after the finish chunk but usage, got %s", d).isNull();
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual()) {
                text.append(delta.path("content").asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                accumulate(calls, tc);
            }
            if (!choice.path("finish_reason").isNull() && !choice.path("finish_reason").isMissingNode()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(finish).as("a finish_reason in %s", r.body()).isNotNull();
        assertThat(usage).as("include_usage gives a usage chunk in %s", r.body()).isNotNull();
        assertThat(calls.size()).as("tool calls").isLessThanOrEqualTo(1);
        String[] call = calls.isEmpty() ? null : calls.get(0);
        return new Reply(model, text.toString(), call == null ? null : call[0], call == null ? null : call[1],
                call == null ? null : Http.json(call[2]), finish,
                usage.path("prompt_tokens").asLong(-1), usage.path("completion_tokens").asLong(-1), 0);
    }

    /** Fragments keyed by index: id/name only on the first, arguments appended. */
    private static void accumulate(List<String[]> calls, JsonNode tc) {
        int index = tc.path("index").asInt(-1);
        assertThat(index).as("tool call index in %s", tc).isBetween(0, calls.size());
        if (index == calls.size()) {
            assertThat(tc.path("id").asText()).as("first fragment has an id: %s", tc).isNotBlank();
            assertThat(tc.path("function").path("name").asText()).as("first fragment has a name: %s", tc).isNotBlank();
            calls.add(new String[] {tc.path("id").asText(), tc.path("function").path("name").asText(), ""});
        }
        calls.get(index)[2] += tc.path("function").path("arguments").asText("");
    }

    @Override
    public String expectedFinish(boolean tools) {
        return tools ? "tool_calls" : "stop";
    }

    @Override
    public long expectedInputTokens(ProviderKind kind) {
        return kind.promptTokens();
    }

    @Override
    public boolean passesThrough(ProviderKind kind) {
        return kind == ProviderKind.OPENAI || kind == ProviderKind.AZURE;
    }
}
