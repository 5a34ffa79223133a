package dev.gantry.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request rules of the Messages API that FakeAnthropic enforces (PROTOCOLS.md 2.2): the
 * documented top-level fields only, required {@code model}/{@code max_tokens}, user/assistant
 * roles, non-empty text blocks, tool ids, tool results first in the user turn that follows the
 * calls. The fake is stricter than the real API on one unverified point: it wants roles to
 * alternate, so a codec that relies on the API merging turns fails here.
 */
public final class AnthropicRequestCheck {

    public static final Set<String> FIELDS = Set.of("model", "max_tokens", "messages", "system", "stop_sequences", "temperature",
            "top_p", "top_k", "metadata", "service_tier", "stream", "tools", "tool_choice", "thinking");
    private static final Set<String> MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
    private static final Pattern TOOL_ID = Pattern.compile("^[a-zA-Z0-9_-]+$");

    private AnthropicRequestCheck() {}

    /** @return what is wrong, phrased like the API's {@code invalid_request_error} messages, or null */
    public static String problem(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                return field + ": Extra inputs are not permitted";
            }
        }
        if (!body.path("model").isTextual()) {
            return "model: Field required";
        }
        if (!body.path("max_tokens").isIntegralNumber() || body.path("max_tokens").asLong() < 1) {
            return "max_tokens: Field required";
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
            return "temperature: Input should be less than or equal to 1";
        }
        JsonNode system = body.get("system");
        if (system != null && !system.isTextual() && !system.isArray()) {
            return "system: Input should be a valid string or list";
        }
        JsonNode stops = body.get("stop_sequences");
        if (stops != null && (!stops.isArray() || !allText(stops))) {
            return "stop_sequences: Input should be a valid list of strings";
        }
        String tools = tools(body);
        return tools != null ? tools : messages(body.path("messages"));
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String tools(JsonNode body) {
        Set<String> names = new HashSet<>();
        JsonNode tools = body.get("tools");
        if (tools != null) {
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!t.path("name").isTextual() || !"object".equals(t.path("input_schema").path("type").asText())) {
                    return "tools." + i + ": a tool needs a name and an input_schema of type object";
                }
                names.add(t.path("name").asText());
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null) {
            return null;
        }
        String type = choice.path("type").asText();
        if (!Set.of("auto", "any", "tool", "none").contains(type)) {
            return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
        }
        if (type.equals("tool") && !names.contains(choice.path("name").asText())) {
            return "tool_choice: tool '" + choice.path("name").asText() + "' not found in tools";
        }
        return null;
    }

    private static String messages(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            return "messages: at least one message is required";
        }
        String previousRole = null;
        Set<String> openCalls = Set.of();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                return "messages." + i + ".role: Input should be 'user' or 'assistant'";
            }
            if (role.equals(previousRole)) {
                return "messages: roles must alternate between \"user\" and \"assistant\"";
            }
            previousRole = role;
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                if (content.asText().isEmpty() && i < messages.size() - 1) {
                    return "messages." + i + ": all messages must have non-empty content";
                }
                openCalls = Set.of();
                continue;
            }
            if (!content.isArray() || content.isEmpty()) {
                return "messages." + i + ": all messages must have non-empty content";
            }
            Set<String> calls = new HashSet<>();
            boolean otherSeen = false;
            for (int j = 0; j < content.size(); j++) {
                String problem = block(content.get(j), role, "messages." + i + ".content." + j, openCalls, otherSeen, calls);
                if (problem != null) {
                    return problem;
                }
                otherSeen |= !"tool_result".equals(content.get(j).path("type").asText());
            }
            openCalls = calls;
        }
        return null;
    }

    private static String block(JsonNode b, String role, String at, Set<String> openCalls, boolean otherSeen, Set<String> calls) {
        switch (b.path("type").asText()) {
            case "text" -> {
                if (b.path("text").asText("").isEmpty()) {
                    return "messages: text content blocks must be non-empty";
                }
            }
            case "image" -> {
                JsonNode source = b.path("source");
                String type = source.path("type").asText();
                boolean ok = type.equals("url") ? source.path("url").isTextual()
                        : type.equals("base64") && MEDIA_TYPES.contains(source.path("media_type").asText()) && source.path("data").isTextual();
                if (!ok) {
                    return at + ".source: invalid image source";
                }
            }
            case "tool_use" -> {
                if (!role.equals("assistant") || !TOOL_ID.matcher(b.path("id").asText()).matches()
                        || !b.path("name").isTextual() || !b.path("input").isObject()) {
                    return at + ": tool_use blocks need an id matching ^[a-zA-Z0-9_-]+$, a name and an input object, in assistant turns";
                }
                calls.add(b.path("id").asText());
            }
            case "tool_result" -> {
                if (!role.equals("user") || otherSeen) {
                    return at + ": tool_result blocks must come first in a user message";
                }
                if (!openCalls.contains(b.path("tool_use_id").asText())) {
                    return at + ": unexpected `tool_use_id` found in `tool_result` blocks: " + b.path("tool_use_id").asText()
                            + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                }
            }
            default -> {
                return at + ".type: unknown content block type '" + b.path("type").asText() + "'";
            }
        }
        return null;
    }
}
