package dev.gantry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A canonical chat request. {@code extra} keeps every request field Gantry does not model, so a
 * provider that understands it can still send it on; nothing the client sent is silently lost.
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        boolean stream,
        boolean includeUsage,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Long seed,
        List<String> stop,
        List<Tool> tools,
        ToolChoice toolChoice,
        ResponseFormat responseFormat,
        Map<String, JsonNode> extra) {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
