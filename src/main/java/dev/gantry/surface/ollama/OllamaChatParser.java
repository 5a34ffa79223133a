package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.provider.ToolCallIds;
import dev.gantry.surface.http.Fields;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Ollama {@code /api/chat} body → canonical request (PROTOCOLS.md 3.2), validating types with a
 * 400 that names the field. The canonical request is only used when the chosen deployment is not
 * an Ollama node (an Ollama node gets the client's body itself), so Ollama-only settings are not
 * carried in it: see {@link OllamaOptions}.
 */
final class OllamaChatParser {

    private OllamaChatParser() {}

    /** The model name as the client wrote it; 400 when missing, like Ollama's "model is required". */
    static String model(ObjectNode body) {
        return model(body, "model");
    }

    /** The model name from {@code field} (old clients call it "name" on /api/show). */
    static String model(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            throw GatewayError.badRequest("model is required", field);
        }
        if (!n.isTextual()) {
            throw Fields.wrongType(field, "a string", n);
        }
        return n.asText();
    }

    /**
     * @param publicModel the Gantry model the client's name resolved to
     * @return the request; its messages are empty for a load/unload request
     */
    static ChatRequest parse(ObjectNode body, String publicModel) {
        JsonNode msgs = Fields.optionalArray(body, "messages", "messages");
        List<Message> messages = new ArrayList<>(msgs == null ? 0 : msgs.size());
        if (msgs != null) {
            ToolLinks links = new ToolLinks();
            for (int i = 0; i < msgs.size(); i++) {
                messages.add(message(msgs.get(i), "messages[" + i + "]", links));
            }
        }
        return OllamaOptions.request(body, publicModel, messages, tools(body));
    }

    private static Message message(JsonNode node, String path, ToolLinks links) {
        if (!node.isObject()) {
            throw Fields.wrongType(path, "an object", node);
        }
        String roleName = Fields.requiredString(node, "role", path + ".role");
        Role role = switch (roleName) {
            case "system" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            default -> throw GatewayError.badRequest("'" + path + ".role' must be one of system, user, assistant, tool; got '"
                    + GatewayError.quote(roleName) + "'.", path + ".role");
        };
        String content = Fields.optionalString(node, "content", path + ".content");
        List<ContentPart> parts = new ArrayList<>(2);
        if (content != null && !content.isEmpty() || role != Role.ASSISTANT) {
            parts.add(new ContentPart.Text(content == null ? "" : content)); // an assistant turn of only tool calls has none
        }
        parts.addAll(OllamaImages.parse(node, path));
        // message.thinking is this model's own reasoning: it is not replayed to another provider (PROTOCOLS.md 5.7).
        List<ToolCall> calls = List.of();
        if (role == Role.ASSISTANT) {
            calls = toolCalls(node, path);
            links.called(calls);
        }
        String toolCallId = null;
        if (role == Role.TOOL) {
            toolCallId = links.answer(Fields.optionalString(node, "tool_call_id", path + ".tool_call_id"),
                    Fields.optionalString(node, "tool_name", path + ".tool_name"));
        }
        return new Message(role, parts, calls, toolCallId, null);
    }

    private static List<ToolCall> toolCalls(JsonNode node, String path) {
        JsonNode tc = Fields.optionalArray(node, "tool_calls", path + ".tool_calls");
        if (tc == null) {
            return List.of();
        }
        List<ToolCall> calls = new ArrayList<>(tc.size());
        for (int i = 0; i < tc.size(); i++) {
            String p = path + ".tool_calls[" + i + "]";
            JsonNode call = tc.get(i);
            if (!call.isObject()) {
                throw Fields.wrongType(p, "an object", call);
            }
            String id = Fields.optionalString(call, "id", p + ".id");
            JsonNode fn = Fields.optionalObject(call, "function", p + ".function");
            if (fn == null) {
                throw GatewayError.badRequest("'" + p + ".function' is required.", p + ".function");
            }
            String name = Fields.requiredString(fn, "name", p + ".function.name");
            JsonNode args = fn.get("arguments");
            String argsJson;
            if (args == null || args.isNull()) {
                argsJson = "{}";
            } else if (args.isObject()) {
                argsJson = args.toString();
            } else if (args.isTextual()) {
                argsJson = args.asText(); // lenient: some clients send the OpenAI form
            } else {
                throw Fields.wrongType(p + ".function.arguments", "an object", args);
            }
            // Old Ollama sends no ids; results then link by name (ToolLinks), so any id will do.
            calls.add(new ToolCall(id == null || id.isEmpty() ? ToolCallIds.synthesise() : id, name, argsJson));
        }
        return calls;
    }

    private static List<Tool> tools(ObjectNode body) {
        JsonNode tools = Fields.optionalArray(body, "tools", "tools");
        if (tools == null) {
            return List.of();
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            String p = "tools[" + i + "]";
            JsonNode t = tools.get(i);
            if (!t.isObject()) {
                throw Fields.wrongType(p, "an object", t);
            }
            String type = Fields.optionalString(t, "type", p + ".type");
            if (type != null && !type.equals("function")) {
                throw GatewayError.badRequest("'" + p + ".type' must be 'function'.", p + ".type");
            }
            JsonNode fn = Fields.optionalObject(t, "function", p + ".function");
            if (fn == null) {
                throw GatewayError.badRequest("'" + p + ".function' is required.", p + ".function");
            }
            out.add(new Tool(Fields.requiredString(fn, "name", p + ".function.name"),
                    Fields.optionalString(fn, "description", p + ".function.description"),
                    Fields.optionalObject(fn, "parameters", p + ".function.parameters")));
        }
        return out;
    }

    /**
     * Links tool results to calls. Ollama results name the tool ({@code tool_name}) and newer ones
     * the call id; canonical results need the id. Unanswered calls are matched in order: by id,
     * else the first one with that name, else (oldest clients send neither) the first one.
     */
    private static final class ToolLinks {
        private final Deque<ToolCall> open = new ArrayDeque<>();

        void called(List<ToolCall> calls) {
            open.clear(); // a new assistant turn: earlier calls are either answered or abandoned
            open.addAll(calls);
        }

        String answer(String id, String name) {
            ToolCall match = null;
            for (ToolCall c : open) {
                if (id != null && id.equals(c.id())) {
                    match = c;
                    break;
                }
            }
            if (match == null && id != null && !id.isEmpty()) {
                return id; // a call from before the history the client sent: keep its id
            }
            if (match == null && name != null) {
                match = open.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
            }
            if (match == null) {
                match = open.peekFirst();
            }
            if (match == null) {
                return null;
            }
            open.remove(match);
            return match.id();
        }
    }
}
