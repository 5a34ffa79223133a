package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reading Ollama-native answers in tests: NDJSON lines, the {"error"} shape, the final object's fields. */
final class OllamaWire {

    /** RFC 3339 with a fraction, as Ollama writes {@code created_at} and {@code modified_at}. */
    static final Pattern RFC3339_FRACTION = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{1,9}(Z|[+-]\\d\\d:\\d\\d)");

    private OllamaWire() {}

    /**
     * The objects of an NDJSON body. Fails on anything ollama clients would choke on: a missing final
     * newline, blank lines, comments, or a line that is not one JSON object.
     */
    static List<JsonNode> lines(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        String body = response.body();
        assertThat(body).as("NDJSON body").endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
            assertThat(line).as("every line of %s", body).isNotBlank();
            JsonNode node = Api.json(line);
            assertThat(node.isObject()).as("line %s", line).isTrue();
            out.add(node);
        }
        return out;
    }

    /** Concatenated {@code message.content} (chat) or {@code response} (generate) of the non-final lines. */
    static String text(List<JsonNode> lines) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode l : lines) {
            sb.append(l.has("response") ? l.path("response").asText() : l.path("message").path("content").asText());
        }
        return sb.toString();
    }

    /** Asserts the status and Ollama's error shape {@code {"error":"..."}}; returns the message. */
    static String assertError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = Api.json(response);
        assertThat(body.size()).as("only an error field in %s", response.body()).isEqualTo(1);
        assertThat(body.path("error").isTextual()).as("error string in %s", response.body()).isTrue();
        assertThat(body.path("error").asText()).isNotBlank();
        return body.path("error").asText();
    }

    /** Asserts the final object's fields: done, reason, token counts, and the four durations as non-negative integers (ns). */
    static void assertFinal(JsonNode last, String doneReason, long promptEvalCount, long evalCount) {
        assertThat(last.path("done").asBoolean(false)).as("done in %s", last).isTrue();
        assertThat(last.path("done_reason").asText()).isEqualTo(doneReason);
        assertThat(last.path("prompt_eval_count").asLong(-1)).isEqualTo(promptEvalCount);
        assertThat(last.path("eval_count").asLong(-1)).isEqualTo(evalCount);
        for (String d : new String[] {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"}) {
            assertThat(last.path(d).isIntegralNumber()).as("%s in %s", d, last).isTrue();
            assertThat(last.path(d).asLong()).as(d).isGreaterThanOrEqualTo(0);
        }
        assertThat(last.path("created_at").asText()).matches(RFC3339_FRACTION);
    }
}
