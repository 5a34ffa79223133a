package dev.gantry.surface.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.ResponseFormat;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.model.ToolChoice;
import dev.gantry.surface.http.Fields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * OpenAI Chat Completions body → canonical request, validating as it goes: every type error is
 * a 400 naming the field. Fields Gantry does not model are kept in {@code extra}.
 */
final class OpenAiChatParser {

    private static final Set<String> MODELLED = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "seed", "stop", "tools", "tool_choice", "response_format");
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Pattern DATA_URL = Pattern.compile("^data:([a-zA-Z0-9.+/-]*)(;[a-zA-Z0-9=-]+)*;base64,", Pattern.CASE_INSENSITIVE);

    private OpenAiChatParser() {}

    static ChatRequest parse(ObjectNode body) {
        String model = Fields.requiredString(body, "model", "model");
        if (model.isBlank()) {
            throw GatewayError.badRequest("'model' must not be empty.", "model");
        }
        JsonNode msgs = Fields.optionalArray(body, "messages", "messages");
        if (msgs == null) {
            throw GatewayError.badRequest("'messages' is required.", "messages");
        }
        if (msgs.isEmpty()) {
            throw GatewayError.badRequest("'messages' must contain at least one message.", "messages");
        }
        List<Message> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), "messages[" + i + "]"));
        }
        boolean stream = Boolean.TRUE.equals(Fields.optionalBoolean(body, "stream", "stream"));
        JsonNode streamOptions = Fields.optionalObject(body, "stream_options", "stream_options");
        boolean includeUsage = streamOptions != null
                && Boolean.TRUE.equals(Fields.optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage"));

        Long maxCompletion = Fields.optionalInteger(body, "max_completion_tokens", "max_completion_tokens", 1, Integer.MAX_VALUE);
        Long maxTokens = Fields.optionalInteger(body, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        Long max = maxCompletion != null ? maxCompletion : maxTokens;

        Map<String, JsonNode> extra = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!MODELLED.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        Long n = Fields.optionalInteger(body, "n", "n", 1, 128);
        if (n != null && n > 1) {
            extra.put("n", body.get("n"));
        }
        return new ChatRequest(model, messages, stream, includeUsage,
                max == null ? null : max.intValue(),
                Fields.optionalNumber(body, "temperature", "temperature", 0, 2),
                Fields.optionalNumber(body, "top_p", "top_p", 0, 1),
                Fields.optionalInteger(body, "seed", "seed", Long.MIN_VALUE, Long.MAX_VALUE),
                stop(body),
                tools(body),
                toolChoice(body),
                responseFormat(body),
                extra);
    }

    private static Message message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw Fields.wrongType(path, "an object", node);
        }
        String roleName = Fields.requiredString(node, "role", path + ".role");
        Role role = switch (roleName) {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool", "function" -> Role.TOOL;
            default -> throw GatewayError.badRequest("'" + path + ".role' must be one of system, developer, user, "
                    + "assistant, tool; got '" + GatewayError.quote(roleName) + "'.", path + ".role");
        };
        List<ContentPart> parts = content(node.get("content"), path + ".content");
        List<ToolCall> calls = List.of();
        if (role == Role.ASSISTANT) {
            JsonNode tc = Fields.optionalArray(node, "tool_calls", path + ".tool_calls");
            if (tc != null) {
                calls = new ArrayList<>(tc.size());
                for (int i = 0; i < tc.size(); i++) {
                    calls.add(toolCall(tc.get(i), path + ".tool_calls[" + i + "]"));
                }
            }
        } else if (parts.isEmpty() && role != Role.TOOL) {
            throw GatewayError.badRequest("'" + path + ".content' is required for " + roleName + " messages.", path + ".content");
        }
        String toolCallId = null;
        if (role == Role.TOOL) {
            toolCallId = roleName.equals("function")
                    ? Fields.optionalString(node, "name", path + ".name")
                    : Fields.requiredString(node, "tool_call_id", path + ".tool_call_id");
        }
        return new Message(role, parts, calls, toolCallId, Fields.optionalString(node, "name", path + ".name"));
    }

    private static List<ContentPart> content(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isTextual()) {
            return List.of(new ContentPart.Text(content.asText()));
        }
        if (!content.isArray()) {
            throw Fields.wrongType(path, "a string or an array of content parts", content);
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String p = path + "[" + i + "]";
            if (!part.isObject()) {
                throw Fields.wrongType(p, "an object", part);
            }
            String type = Fields.requiredString(part, "type", p + ".type");
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(Fields.requiredString(part, "text", p + ".text")));
                case "image_url" -> parts.add(image(part, p));
                default -> throw GatewayError.badRequest("Content part type '" + GatewayError.quote(type) + "' at '" + p
                        + "' is not supported; use text or image_url.", p + ".type");
            }
        }
        return parts;
    }

    private static ContentPart.Image image(JsonNode part, String path) {
        JsonNode imageUrl = part.get("image_url");
        String url;
        String detail = null;
        if (imageUrl != null && imageUrl.isTextual()) {
            url = imageUrl.asText(); // some clients send the URL directly
        } else {
            JsonNode obj = Fields.optionalObject(part, "image_url", path + ".image_url");
            if (obj == null) {
                throw GatewayError.badRequest("'" + path + ".image_url' is required.", path + ".image_url");
            }
            url = Fields.requiredString(obj, "url", path + ".image_url.url");
            detail = Fields.optionalString(obj, "detail", path + ".image_url.detail");
        }
        var m = DATA_URL.matcher(url);
        if (m.find()) {
            String mediaType = m.group(1).isEmpty() ? null : m.group(1).toLowerCase(java.util.Locale.ROOT);
            String data = url.substring(m.end());
            if (data.isEmpty()) {
                throw GatewayError.badRequest("'" + path + ".image_url.url' holds no image data.", path + ".image_url.url");
            }
            return new ContentPart.Image(mediaType, data, null, detail);
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return new ContentPart.Image(null, null, url, detail);
        }
        throw GatewayError.badRequest("'" + path + ".image_url.url' must be an http(s) URL or a base64 data: URL.",
                path + ".image_url.url");
    }

    private static ToolCall toolCall(JsonNode node, String path) {
        if (!node.isObject()) {
            throw Fields.wrongType(path, "an object", node);
        }
        String id = Fields.requiredString(node, "id", path + ".id");
        JsonNode fn = Fields.optionalObject(node, "function", path + ".function");
        if (fn == null) {
            throw GatewayError.badRequest("'" + path + ".function' is required.", path + ".function");
        }
        String name = Fields.requiredString(fn, "name", path + ".function.name");
        JsonNode args = fn.get("arguments");
        String argsJson = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
        return new ToolCall(id, name, argsJson);
    }

    private static List<String> stop(ObjectNode body) {
        JsonNode stop = body.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw Fields.wrongType("stop", "a string or an array of strings", stop);
        }
        if (stop.size() > 4) {
            throw GatewayError.badRequest("'stop' may hold at most 4 sequences.", "stop");
        }
        List<String> out = new ArrayList<>(stop.size());
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw Fields.wrongType("stop[" + i + "]", "a string", stop.get(i));
            }
            out.add(stop.get(i).asText());
        }
        return out;
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
            String name = Fields.requiredString(fn, "name", p + ".function.name");
            if (!TOOL_NAME.matcher(name).matches()) {
                throw GatewayError.badRequest("'" + p + ".function.name' must match ^[a-zA-Z0-9_-]{1,64}$.", p + ".function.name");
            }
            out.add(new Tool(name, Fields.optionalString(fn, "description", p + ".function.description"),
                    Fields.optionalObject(fn, "parameters", p + ".function.parameters")));
        }
        return out;
    }

    private static ToolChoice toolChoice(ObjectNode body) {
        JsonNode tc = body.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return null;
        }
        if (tc.isTextual()) {
            return switch (tc.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> new ToolChoice(ToolChoice.Mode.NONE, null);
                case "required" -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
                default -> throw GatewayError.badRequest("'tool_choice' must be none, auto, required or a function object.", "tool_choice");
            };
        }
        if (!tc.isObject()) {
            throw Fields.wrongType("tool_choice", "a string or an object", tc);
        }
        JsonNode fn = Fields.optionalObject(tc, "function", "tool_choice.function");
        if (fn == null) {
            throw GatewayError.badRequest("'tool_choice.function' is required.", "tool_choice.function");
        }
        return new ToolChoice(ToolChoice.Mode.NAMED, Fields.requiredString(fn, "name", "tool_choice.function.name"));
    }

    private static ResponseFormat responseFormat(ObjectNode body) {
        JsonNode rf = Fields.optionalObject(body, "response_format", "response_format");
        if (rf == null) {
            return null;
        }
        String type = Fields.requiredString(rf, "type", "response_format.type");
        return switch (type) {
            case "text" -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null);
            case "json_object" -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null);
            case "json_schema" -> {
                JsonNode js = Fields.optionalObject(rf, "json_schema", "response_format.json_schema");
                if (js == null) {
                    throw GatewayError.badRequest("'response_format.json_schema' is required.", "response_format.json_schema");
                }
                JsonNode schema = Fields.optionalObject(js, "schema", "response_format.json_schema.schema");
                yield new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA,
                        Fields.optionalString(js, "name", "response_format.json_schema.name"),
                        schema == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : schema);
            }
            default -> throw GatewayError.badRequest("'response_format.type' must be text, json_object or json_schema.", "response_format.type");
        };
    }
}
