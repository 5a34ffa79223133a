package dev.gantry.surface.ollama;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.provider.Json;
import dev.gantry.provider.ToolCallIds;
import java.io.IOException;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects streamed tool-call fragments by index until the calls are whole: Ollama clients get
 * each call complete, with {@code arguments} as a JSON object (PROTOCOLS.md 5.6).
 */
final class ToolCallBuffer {

    private static final Logger log = LoggerFactory.getLogger(ToolCallBuffer.class);

    private static final class Call {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    private final TreeMap<Integer, Call> calls = new TreeMap<>();

    void add(ToolCallDelta d) {
        Call call = calls.computeIfAbsent(d.index(), i -> new Call());
        if (d.id() != null) {
            call.id = d.id();
        }
        if (d.name() != null) {
            call.name = d.name();
        }
        if (d.argumentsFragment() != null) {
            call.arguments.append(d.argumentsFragment());
        }
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    void clear() {
        calls.clear();
    }

    /** {@code [{"id","function":{"index","name","arguments":{…}}}]}, as a real Ollama server writes them. */
    void write(JsonGenerator g) throws IOException {
        g.writeStartArray();
        int index = 0;
        for (Call c : calls.values()) {
            g.writeStartObject();
            g.writeStringField("id", c.id == null ? ToolCallIds.synthesise() : c.id);
            g.writeObjectFieldStart("function");
            g.writeNumberField("index", index++);
            g.writeStringField("name", c.name == null ? "" : c.name);
            g.writeFieldName("arguments");
            g.writeTree(argumentsObject(c));
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The arguments text as an object; anything else becomes {} (logged: the model produced broken JSON). */
    private static JsonNode argumentsObject(Call c) {
        String text = c.arguments.toString();
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception ignored) {
            // fall through
        }
        log.warn("Tool call '{}' has arguments that are not a JSON object; sending {} to the Ollama client", c.name);
        return Json.MAPPER.createObjectNode();
    }
}
