package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes Anthropic stream events ({@code event: <type>} + {@code data: <json>}) straight from
 * fields with Jackson's generator: no tree per token on the streaming hot path.
 */
final class EventEncoder {

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private final String messageId;
    private final String model;

    EventEncoder(String messageId, String model) {
        this.messageId = messageId;
        this.model = model;
    }

    Buffer messageStart(long inputTokens) {
        return event("message_start", g -> {
            g.writeFieldName("message");
            g.writeStartObject();
            AnthropicJson.messageHead(g, messageId, model);
            g.writeArrayFieldStart("content");
            g.writeEndArray();
            g.writeNullField("stop_reason");
            g.writeNullField("stop_sequence");
            g.writeFieldName("usage");
            AnthropicJson.usage(g, inputTokens, 0);
            g.writeEndObject();
        });
    }

    Buffer startText(int index) {
        return blockStart(index, g -> {
            g.writeStringField("type", "text");
            g.writeStringField("text", "");
        });
    }

    Buffer startThinking(int index) {
        return blockStart(index, g -> {
            g.writeStringField("type", "thinking");
            g.writeStringField("thinking", "");
            g.writeStringField("signature", "");
        });
    }

    Buffer startToolUse(int index, String id, String name) {
        return blockStart(index, g -> {
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", id);
            g.writeStringField("name", name);
            g.writeObjectFieldStart("input");
            g.writeEndObject();
        });
    }

    Buffer textDelta(int index, String text) {
        return blockDelta(index, "text_delta", "text", text);
    }

    Buffer thinkingDelta(int index, String thinking) {
        return blockDelta(index, "thinking_delta", "thinking", thinking);
    }

    Buffer inputJsonDelta(int index, String partialJson) {
        return blockDelta(index, "input_json_delta", "partial_json", partialJson);
    }

    Buffer blockStop(int index) {
        return event("content_block_stop", g -> g.writeNumberField("index", index));
    }

    /** {@code usage} is cumulative; input tokens are repeated here with the upstream's real count. */
    Buffer messageDelta(String stopReason, Usage usage) {
        return event("message_delta", g -> {
            g.writeObjectFieldStart("delta");
            g.writeStringField("stop_reason", stopReason);
            g.writeNullField("stop_sequence");
            g.writeEndObject();
            g.writeFieldName("usage");
            AnthropicJson.usage(g, usage.inputTokens(), usage.outputTokens());
        });
    }

    Buffer messageStop() {
        return MESSAGE_STOP;
    }

    private static final Buffer MESSAGE_STOP = Buffer.buffer("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    private Buffer blockStart(int index, Body block) {
        return event("content_block_start", g -> {
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("content_block");
            block.write(g);
            g.writeEndObject();
        });
    }

    private Buffer blockDelta(int index, String type, String field, String value) {
        return event("content_block_delta", g -> {
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("delta");
            g.writeStringField("type", type);
            g.writeStringField(field, value);
            g.writeEndObject();
        });
    }

    private static Buffer event(String type, Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try {
            out.write(EVENT);
            out.write(type.getBytes(StandardCharsets.US_ASCII));
            out.write(DATA);
            try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("type", type);
                body.write(g);
                g.writeEndObject();
            }
            out.write(END);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
}
