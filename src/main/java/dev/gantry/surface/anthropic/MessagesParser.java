package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
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
 * Anthropic Messages body → canonical request (PROTOCOLS.md section 2.2), validating as it goes:
 * every type error is a 400 naming the field. Fields Gantry does not model ({@code top_k},
 * {@code metadata}, {@code thinking}, {@code service_tier}...) stay in {@code extra}.
 */
final class MessagesParser {

    private static final Set<String> MODELLED = Set.of("model", "messages", "system", "max_tokens", "stream",
            "stop_sequences", "temperature", "top_p", "tools", "tool_choice");
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private MessagesParser() {}

    /** @param counting true for {@code count_tokens}, whose body has no {@code max_tokens} */
    static AnthropicRequest parse(ObjectNode body, boolean counting) {
        String model = Fields.requiredString(body, "model", "model");
        if (model.isBlank()) {
            throw GatewayError.badRequest("'model' must not be empty.", "model");
        }
        Long maxTokens = Fields.optionalInteger(body, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null && !counting) {
            throw GatewayError.badRequest("'max_tokens' is required: the most tokens the answer may have.", "max_tokens");
        }
        JsonNode msgs = Fields.optionalArray(body, "messages", "messages");
        if (msgs == null) {
            throw GatewayError.badRequest("'messages' is required.", "messages");
        }
        if (msgs.isEmpty()) {
            throw GatewayError.badRequest("'messages' must contain at least one message.", "messages");
        }
        List<String> anthropicOnly = new ArrayList<>();
        List<Message> messages = new ArrayList<>(msgs.size() + 1);
        String system = system(body.get("system"));
        if (system != null) {
            messages.add(Message.text(Role.SYSTEM, system));
        }
        ContentBlocks blocks = new ContentBlocks(anthropicOnly);
        for (int i = 0; i < msgs.size(); i++) {
            blocks.message(msgs.get(i), "messages[" + i + "]", messages);
        }
        boolean stream = !counting && Boolean.TRUE.equals(Fields.optionalBoolean(body, "stream", "stream"));

        Map<String, JsonNode> extra = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!MODELLED.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        checkExtras(body);
        ToolChoice choice = toolChoice(body, extra);
        ChatRequest chat = new ChatRequest(model, messages, stream, false,
                maxTokens == null ? null : maxTokens.intValue(),
                Fields.optionalNumber(body, "temperature", "temperature", 0, 1),
                Fields.optionalNumber(body, "top_p", "top_p", 0, 1),
                null,
                stopSequences(body),
                tools(body, anthropicOnly),
                choice,
                null,
                extra);
        return new AnthropicRequest(chat, anthropicOnly, thinkingOn(body));
    }

    /** {@code system}: a string or text blocks. Blocks are joined with a blank line into one system message. */
    private static String system(JsonNode system) {
        if (system == null || system.isNull()) {
            return null;
        }
        if (system.isTextual()) {
            return system.asText().isEmpty() ? null : system.asText();
        }
        if (!system.isArray()) {
            throw Fields.wrongType("system", "a string or an array of text blocks", system);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String p = "system[" + i + "]";
            if (!block.isObject()) {
                throw Fields.wrongType(p, "an object", block);
            }
            String type = Fields.requiredString(block, "type", p + ".type");
            if (!type.equals("text")) {
                throw GatewayError.badRequest("'" + p + ".type' must be 'text'; got '" + GatewayError.quote(type) + "'.", p + ".type");
            }
            String t = Fields.requiredString(block, "text", p + ".text");
            if (!t.isEmpty()) {
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append(t);
            }
        }
        return text.isEmpty() ? null : text.toString();
    }

    /** Type checks for the fields kept in {@code extra}, so a wrong type is our 400, not an upstream's. */
    private static void checkExtras(ObjectNode body) {
        Fields.optionalInteger(body, "top_k", "top_k", 0, Integer.MAX_VALUE);
        JsonNode metadata = Fields.optionalObject(body, "metadata", "metadata");
        if (metadata != null) {
            Fields.optionalString(metadata, "user_id", "metadata.user_id");
        }
        JsonNode thinking = Fields.optionalObject(body, "thinking", "thinking");
        if (thinking != null) {
            String type = Fields.requiredString(thinking, "type", "thinking.type");
            if (type.equals("enabled")) {
                if (thinking.get("budget_tokens") == null) {
                    throw GatewayError.badRequest("'thinking.budget_tokens' is required when thinking is enabled.", "thinking.budget_tokens");
                }
                Fields.optionalInteger(thinking, "budget_tokens", "thinking.budget_tokens", 1, Integer.MAX_VALUE);
            }
        }
        Fields.optionalString(body, "service_tier", "service_tier");
    }

    private static boolean thinkingOn(ObjectNode body) {
        JsonNode thinking = body.get("thinking");
        if (thinking == null || !thinking.isObject()) {
            return false;
        }
        String type = thinking.path("type").asText("");
        return type.equals("enabled") || type.equals("adaptive");
    }

    private static List<String> stopSequences(ObjectNode body) {
        JsonNode stop = Fields.optionalArray(body, "stop_sequences", "stop_sequences");
        if (stop == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(stop.size());
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw Fields.wrongType("stop_sequences[" + i + "]", "a string", stop.get(i));
            }
            out.add(stop.get(i).asText());
        }
        return out;
    }

    /** Custom tools become canonical tools; typed server tools ({@code web_search_...}) only work on Anthropic. */
    private static List<Tool> tools(ObjectNode body, List<String> anthropicOnly) {
        JsonNode tools = Fields.optionalArray(body, "tools", "tools");
        if (tools == null) {
            return List.of();
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String p = "tools[" + i + "]";
            if (!t.isObject()) {
                throw Fields.wrongType(p, "an object", t);
            }
            String type = Fields.optionalString(t, "type", p + ".type");
            String name = Fields.requiredString(t, "name", p + ".name");
            if (type != null && !type.equals("custom")) {
                anthropicOnly.add("the server tool '" + GatewayError.quote(type) + "'");
                continue;
            }
            if (!TOOL_NAME.matcher(name).matches()) {
                throw GatewayError.badRequest("'" + p + ".name' must match ^[a-zA-Z0-9_-]{1,64}$.", p + ".name");
            }
            JsonNode schema = Fields.optionalObject(t, "input_schema", p + ".input_schema");
            if (schema == null) {
                throw GatewayError.badRequest("'" + p + ".input_schema' is required: the JSON Schema of the tool's input.", p + ".input_schema");
            }
            out.add(new Tool(name, Fields.optionalString(t, "description", p + ".description"), schema));
        }
        return out;
    }

    /**
     * {@code {"type":"auto"|"any"|"tool"|"none"}}; {@code disable_parallel_tool_use} is kept as
     * {@code parallel_tool_calls: false} in extra, the name the OpenAI surface uses for the same wish.
     */
    private static ToolChoice toolChoice(ObjectNode body, Map<String, JsonNode> extra) {
        JsonNode tc = Fields.optionalObject(body, "tool_choice", "tool_choice");
        if (tc == null) {
            return null;
        }
        String type = Fields.requiredString(tc, "type", "tool_choice.type");
        if (Boolean.TRUE.equals(Fields.optionalBoolean(tc, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use"))) {
            extra.put("parallel_tool_calls", BooleanNode.FALSE);
        }
        return switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
            case "none" -> new ToolChoice(ToolChoice.Mode.NONE, null);
            case "tool" -> new ToolChoice(ToolChoice.Mode.NAMED, Fields.requiredString(tc, "name", "tool_choice.name"));
            default -> throw GatewayError.badRequest("'tool_choice.type' must be auto, any, tool or none; got '"
                    + GatewayError.quote(type) + "'.", "tool_choice.type");
        };
    }
}
