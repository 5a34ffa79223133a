package dev.gantry.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.ResponseFormat;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.model.ToolChoice;
import dev.gantry.provider.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Canonical request → Ollama's native {@code /api/chat} body (PROTOCOLS.md section 3.2). */
final class OllamaCodec {

    /** Request fields an OpenAI-style client may send (e.g. via extra_body) that Ollama understands as they are. */
    private static final Set<String> NATIVE_EXTRAS = Set.of("keep_alive", "think", "truncate", "shift");

    private OllamaCodec() {}

    static ObjectNode chatBody(ChatRequest request, String upstreamModel) {
        JsonNode n = request.extra().get("n");
        if (n != null && n.asInt(1) > 1) {
            throw GatewayError.badRequest("Ollama deployments return one choice per request; 'n' must be 1.", "n");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", upstreamModel);
        body.set("messages", messages(request));
        body.put("stream", true);

        boolean toolsOff = request.toolChoice() != null && request.toolChoice().mode() == ToolChoice.Mode.NONE;
        if (!request.tools().isEmpty() && !toolsOff) {
            if (request.toolChoice() != null && request.toolChoice().mode() != ToolChoice.Mode.AUTO) {
                throw GatewayError.badRequest("Ollama deployments support only tool_choice \"auto\" or \"none\"; "
                        + "\"required\" and a named function cannot be enforced.", "tool_choice");
            }
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", tool.name());
                if (tool.description() != null) {
                    fn.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    fn.set("parameters", tool.parameters());
                }
            }
        }
        ResponseFormat format = request.responseFormat();
        if (format != null && format.type() == ResponseFormat.Type.JSON_OBJECT) {
            body.put("format", "json");
        } else if (format != null && format.type() == ResponseFormat.Type.JSON_SCHEMA) {
            body.set("format", format.schema());
        }

        ObjectNode options = body.putObject("options");
        JsonNode clientOptions = request.extra().get("options");
        if (clientOptions != null && clientOptions.isObject()) {
            options.setAll((ObjectNode) clientOptions);
        }
        if (request.maxTokens() != null) {
            options.put("num_predict", request.maxTokens());
        }
        if (request.temperature() != null) {
            options.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            options.put("top_p", request.topP());
        }
        if (request.seed() != null) {
            options.put("seed", request.seed());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = options.putArray("stop");
            request.stop().forEach(stop::add);
        }
        copyPenalty(request, options, "presence_penalty");
        copyPenalty(request, options, "frequency_penalty");
        if (options.isEmpty()) {
            body.remove("options");
        }
        for (String key : NATIVE_EXTRAS) {
            JsonNode v = request.extra().get(key);
            if (v != null) {
                body.set(key, v);
            }
        }
        return body;
    }

    private static void copyPenalty(ChatRequest request, ObjectNode options, String name) {
        JsonNode v = request.extra().get(name);
        if (v != null && v.isNumber()) {
            options.set(name, v);
        }
    }

    private static ArrayNode messages(ChatRequest request) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        Map<String, String> toolNamesById = new HashMap<>();
        for (Message m : request.messages()) {
            ObjectNode msg = out.addObject();
            msg.put("role", m.role().name().toLowerCase(java.util.Locale.ROOT));
            msg.put("content", m.joinedText());
            ArrayNode images = null;
            for (ContentPart part : m.parts()) {
                if (part instanceof ContentPart.Image image) {
                    if (!image.isInline()) {
                        throw GatewayError.badRequest("Ollama deployments take images only as data: URLs "
                                + "(data:image/png;base64,...), not remote URLs.", "messages");
                    }
                    if (images == null) {
                        images = msg.putArray("images");
                    }
                    images.add(image.base64Data());
                }
            }
            if (!m.toolCalls().isEmpty()) {
                ArrayNode calls = msg.putArray("tool_calls");
                int index = 0;
                for (ToolCall call : m.toolCalls()) {
                    toolNamesById.put(call.id(), call.name());
                    ObjectNode fn = calls.addObject().put("id", call.id()).putObject("function");
                    fn.put("index", index++);
                    fn.put("name", call.name());
                    fn.set("arguments", argumentsObject(call.argumentsJson()));
                }
            }
            if (m.toolCallId() != null) {
                msg.put("tool_call_id", m.toolCallId());
                String name = toolNamesById.get(m.toolCallId());
                if (name != null) {
                    msg.put("tool_name", name);
                }
            }
        }
        return out;
    }

    /** Ollama wants arguments as an object; a string that is not a JSON object becomes {}. */
    private static JsonNode argumentsObject(String json) {
        if (json == null || json.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return node != null && node.isObject() ? node : Json.MAPPER.createObjectNode();
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
