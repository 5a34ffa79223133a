package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.testing.RunningGantry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Raw HTTP in the Anthropic Messages format against a running Gantry, and parsing of its answers. */
final class AnthropicWire {

    /** One SSE event: its {@code event:} name and parsed {@code data:}. */
    record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").asText();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;

    AnthropicWire(RunningGantry gantry) {
        this.base = gantry.baseUrl();
    }

    /** POST with {@code x-api-key} set to the master key and {@code anthropic-version}, as the SDKs send. */
    HttpResponse<String> post(String path, Object body) {
        return post(path, body, Map.of("x-api-key", RunningGantry.MASTER_KEY));
    }

    HttpResponse<String> post(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        var future = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("No complete response within 30 s for POST " + path);
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A Messages body with one user message. */
    static ObjectNode message(String model, boolean stream) {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", 256);
        body.putArray("messages").addObject().put("role", "user").put("content", "Say hello");
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    static ObjectNode weatherTool(ObjectNode body) {
        ObjectNode tool = body.putArray("tools").addObject();
        tool.put("name", "get_weather");
        tool.put("description", "Current weather in a city");
        ObjectNode schema = tool.putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        return body;
    }

    /** Parses an SSE body into events; asserts every event has both lines and that the names match the data types. */
    static List<Event> events(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    assertThat(data).as("one data line per event in %s", block).isNull();
                    data = line.substring(6);
                }
            }
            assertThat(name).as("event line in %s", block).isNotNull();
            assertThat(data).as("data line in %s", block).isNotNull();
            JsonNode json = Api.json(data);
            assertThat(json.path("type").asText()).as("event name equals data type in %s", block).isEqualTo(name);
            out.add(new Event(name, json));
        }
        return out;
    }

    static List<String> names(List<Event> events) {
        return events.stream().map(Event::name).toList();
    }

    /** Concatenated text of all {@code text_delta}s. */
    static String text(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            JsonNode delta = e.data().path("delta");
            if (e.name().equals("content_block_delta") && delta.path("type").asText().equals("text_delta")) {
                sb.append(delta.path("text").asText());
            }
        }
        return sb.toString();
    }

    /** Asserts the Anthropic error shape, status and type; returns the {@code error} object. */
    static JsonNode assertError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = Api.json(response);
        assertThat(body.path("type").asText()).as("top-level type in %s", response.body()).isEqualTo("error");
        JsonNode error = body.path("error");
        assertThat(error.path("type").asText()).as("error type in %s", response.body()).isEqualTo(type);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(body.path("request_id").asText()).startsWith("req_");
        return error;
    }
}
