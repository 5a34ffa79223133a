package dev.gantry.surface.ollama;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.gantry.model.FinishReason;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The pieces of Ollama's response objects (PROTOCOLS.md 3.3/3.6), written with Jackson's streaming generator. */
final class OllamaJson {

    /** {@code /api/chat} objects carry {@code message}; {@code /api/generate} objects carry {@code response}. */
    enum Shape { CHAT, GENERATE }

    /** RFC 3339 with nine fraction digits, as Ollama writes its times. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX").withZone(ZoneOffset.UTC);

    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private OllamaJson() {}

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    static String now() {
        return time(Instant.now());
    }

    /** One compact JSON object holding {@code fields}; with {@code newline}, an NDJSON line. */
    static Buffer object(Fields fields, boolean newline) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (newline) {
            out.append('\n');
        }
        return Buffer.buffer(out.toByteArray());
    }

    /** {@code model} (as the client wrote it) and {@code created_at}: every object starts with them. */
    static void head(JsonGenerator g, String model) throws IOException {
        g.writeStringField("model", model);
        g.writeStringField("created_at", now());
    }

    /** The generated part: {@code message{role,content,thinking?,tool_calls?}} or {@code response}/{@code thinking}. */
    static void body(JsonGenerator g, Shape shape, String content, String thinking, ToolCallBuffer calls) throws IOException {
        if (shape == Shape.GENERATE) {
            g.writeStringField("response", content == null ? "" : content);
            if (thinking != null) {
                g.writeStringField("thinking", thinking);
            }
            return;
        }
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", content == null ? "" : content);
        if (thinking != null) {
            g.writeStringField("thinking", thinking);
        }
        if (calls != null && !calls.isEmpty()) {
            g.writeFieldName("tool_calls");
            calls.write(g);
        }
        g.writeEndObject();
    }

    /** {@code done:true}, the reason and the six metrics of the final object; durations in ns, measured by Gantry. */
    static void done(JsonGenerator g, FinishReason finish, Usage usage, Timing timing) throws IOException {
        long end = System.nanoTime();
        long first = timing.firstTokenNanos == 0 ? end : timing.firstTokenNanos;
        g.writeBooleanField("done", true);
        g.writeStringField("done_reason", finish == FinishReason.LENGTH ? "length" : "stop");
        g.writeNumberField("total_duration", Math.max(0, end - timing.startNanos));
        g.writeNumberField("load_duration", 0); // unknown behind a gateway
        g.writeNumberField("prompt_eval_count", usage.inputTokens());
        g.writeNumberField("prompt_eval_duration", Math.max(0, first - timing.startNanos));
        g.writeNumberField("eval_count", usage.outputTokens());
        g.writeNumberField("eval_duration", Math.max(0, end - first));
    }

    /** When the request started and when its first generated piece arrived. */
    static final class Timing {
        final long startNanos;
        long firstTokenNanos;

        Timing(long startNanos) {
            this.startNanos = startNanos;
        }

        void sawOutput() {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
        }
    }
}
