package dev.gantry.surface.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.gantry.model.FinishReason;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes {@code chat.completion.chunk} SSE events straight from fields with Jackson's generator:
 * no intermediate tree per token on the streaming hot path.
 */
final class ChunkEncoder {

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private final String id;
    private final long created;
    private final String model;

    ChunkEncoder(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    Buffer role(boolean contentNull) {
        return choice(g -> {
            g.writeStringField("role", "assistant");
            if (contentNull) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", "");
            }
        }, null);
    }

    Buffer text(String text) {
        return choice(g -> g.writeStringField("content", text), null);
    }

    Buffer reasoning(String text) {
        return choice(g -> g.writeStringField("reasoning_content", text), null);
    }

    Buffer toolCallStart(ToolCallDelta d) {
        return choice(g -> {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", d.index());
            g.writeStringField("id", d.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", d.name() == null ? "" : d.name());
            g.writeStringField("arguments", "");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        }, null);
    }

    Buffer toolCallArguments(int index, String fragment) {
        return choice(g -> {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("function");
            g.writeStringField("arguments", fragment);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        }, null);
    }

    Buffer finish(FinishReason reason) {
        return choice(g -> { }, reason);
    }

    Buffer usage(Usage usage) {
        return event(g -> {
            head(g);
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            g.writeFieldName("usage");
            OpenAiJson.usage(g, usage);
        });
    }

    static String finishName(FinishReason reason) {
        return switch (reason) {
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case STOP, ERROR -> "stop";
        };
    }

    private Buffer choice(Body delta, FinishReason finish) {
        return event(g -> {
            head(g);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
            g.writeNullField("logprobs");
            if (finish == null) {
                g.writeNullField("finish_reason");
            } else {
                g.writeStringField("finish_reason", finishName(finish));
            }
            g.writeEndObject();
            g.writeEndArray();
            g.writeNullField("usage");
        });
    }

    private void head(JsonGenerator g) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeNullField("system_fingerprint");
    }

    private static Buffer event(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try {
            out.write(DATA);
            try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                g.writeStartObject();
                body.write(g);
                g.writeEndObject();
            }
            out.write(END);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static final byte[] DATA = "data: ".getBytes();
    private static final byte[] END = "\n\n".getBytes();
}
