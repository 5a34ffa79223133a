package dev.gantry.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.gantry.provider.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Canonical request → Messages API body (PROTOCOLS.md 4.3, 5.1–5.6). Anthropic rejects fields it
 * does not define, so only modelled fields and a short list of native extras are written; what
 * only tunes sampling or bookkeeping elsewhere (seed, penalties, user...) is dropped.
 */
final class AnthropicCodec {

    static final int DEFAULT_MAX_TOKENS = 4096;
    /** The tool that carries an emulated JSON answer (PROTOCOLS.md 5.4); its input becomes the reply text. */
    static final String JSON_TOOL = "json_response";

    /** Request fields an OpenAI-style client may send (e.g. via extra_body) that Anthropic understands as they are. */
    private static final Set<String> NATIVE_EXTRAS = Set.of("top_k", "thinking");
    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    private AnthropicCodec() {}

    /** @param configuredMaxTokens the deployment's {@code max_tokens}, used when the client set none (may be null) */
    static ObjectNode chatBody(ChatRequest request, String upstreamModel, Integer configuredMaxTokens) {
        refuseUnsupported(request);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", upstreamModel);
        int maxTokens = request.maxTokens() != null ? request.maxTokens()
                : configuredMaxTokens != null ? configuredMaxTokens : DEFAULT_MAX_TOKENS;
        body.put("max_tokens", maxTokens);
        String system = systemText(request.messages());
        if (!system.isEmpty()) {
            body.put("system", system);
        }
        ArrayNode messages = AnthropicMessages.build(request.messages());
        if (messages.isEmpty()) {
            throw GatewayError.badRequest("Anthropic needs at least one user or assistant message with content.", "messages");
        }
        body.set("messages", messages);
        body.put("stream", true);
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            request.stop().forEach(stop::add);
        }
        if (request.temperature() != null) {
            body.put("temperature", Math.min(1.0, request.temperature())); // Anthropic's range is 0–1; clamp, as documented
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        for (String name : NATIVE_EXTRAS) {
            JsonNode value = request.extra().get(name);
            if (value != null && !value.isNull()) {
                body.set(name, value);
            }
        }
        tools(request, body);
        return body;
    }

    /** True when this request's answer comes back as a call of {@link #JSON_TOOL} to be unwrapped into text. */
    static boolean emulatesJson(ChatRequest request) {
        ResponseFormat f = request.responseFormat();
        return f != null && f.type() != ResponseFormat.Type.TEXT;
    }

    /** Refuses what would change the answer the client receives (PROTOCOLS.md 5.11). */
    private static void refuseUnsupported(ChatRequest request) {
        JsonNode n = request.extra().get("n");
        if (n != null && n.asInt(1) > 1) {
            throw GatewayError.badRequest("Anthropic deployments return one choice per request; 'n' must be 1.", "n");
        }
        JsonNode logprobs = request.extra().get("logprobs");
        if (logprobs != null && logprobs.asBoolean(false)) {
            throw GatewayError.badRequest("Anthropic deployments do not return log probabilities; remove 'logprobs'.", "logprobs");
        }
    }

    /** All system (and developer) messages, in order, joined: Anthropic has one top-level system prompt. */
    private static String systemText(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role() != Role.SYSTEM) {
                continue;
            }
            for (ContentPart part : m.parts()) {
                if (!(part instanceof ContentPart.Text)) {
                    throw GatewayError.badRequest("Anthropic accepts only text in system messages.", "messages[" + i + "].content");
                }
            }
            String text = m.joinedText();
            if (!text.isEmpty()) {
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(text);
            }
        }
        return sb.toString();
    }

    private static void tools(ChatRequest request, ObjectNode body) {
        ToolChoice choice = request.toolChoice();
        boolean json = emulatesJson(request);
        if (request.tools().isEmpty() && !json) {
            return; // a tool_choice without tools means nothing to Anthropic
        }
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (Tool tool : request.tools()) {
            ObjectNode t = tools.addObject().put("name", tool.name());
            if (tool.description() != null) {
                t.put("description", tool.description());
            }
            t.set("input_schema", objectSchema(tool.parameters()));
        }
        ObjectNode tc = null;
        if (choice != null) {
            tc = Json.MAPPER.createObjectNode();
            switch (choice.mode()) {
                case AUTO -> tc.put("type", "auto");
                case NONE -> tc.put("type", "none");
                case REQUIRED -> tc.put("type", "any");
                case NAMED -> tc.put("type", "tool").put("name", choice.functionName());
            }
        }
        if (json) {
            boolean clientToolsUsable = !request.tools().isEmpty() && (choice == null || choice.mode() != ToolChoice.Mode.NONE);
            if (!clientToolsUsable) {
                tools.removeAll();
            }
            tools.add(jsonTool(request.responseFormat()));
            if (!clientToolsUsable) {
                tc = Json.MAPPER.createObjectNode().put("type", "tool").put("name", JSON_TOOL);
            } else if (choice == null || choice.mode() == ToolChoice.Mode.AUTO) {
                // Either a real tool call or the JSON answer, never free text.
                tc = Json.MAPPER.createObjectNode().put("type", "any");
            }
        }
        body.set("tools", tools);
        JsonNode parallel = request.extra().get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.asBoolean() && (tc == null || !"none".equals(tc.path("type").asText()))) {
            if (tc == null) {
                tc = Json.MAPPER.createObjectNode().put("type", "auto");
            }
            tc.put("disable_parallel_tool_use", true);
        }
        if (tc != null) {
            body.set("tool_choice", tc);
        }
    }

    private static ObjectNode jsonTool(ResponseFormat format) {
        ObjectNode t = Json.MAPPER.createObjectNode().put("name", JSON_TOOL);
        t.put("description", "Give the final answer as JSON by calling this tool; its input is the answer.");
        JsonNode schema = format.type() == ResponseFormat.Type.JSON_SCHEMA ? format.schema() : null;
        if (schema != null && schema.has("type") && !"object".equals(schema.path("type").asText())) {
            throw GatewayError.badRequest("Anthropic deployments support JSON schema answers only when the schema describes an object.",
                    "response_format.json_schema.schema");
        }
        t.set("input_schema", objectSchema(schema));
        return t;
    }

    /** Anthropic requires {@code input_schema} with {@code "type":"object"}; OpenAI lets both be left out. */
    private static ObjectNode objectSchema(JsonNode parameters) {
        if (parameters instanceof ObjectNode o && "object".equals(o.path("type").asText())) {
            return o;
        }
        ObjectNode schema = parameters instanceof ObjectNode o ? o.deepCopy() : Json.MAPPER.createObjectNode();
        schema.put("type", "object");
        return schema;
    }

    /** An image part as an Anthropic image block: base64 with a known media type, or a URL source. */
    static ObjectNode imageBlock(ContentPart.Image img, String path) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (!img.isInline()) {
            source.put("type", "url").put("url", img.url());
            return block;
        }
        String mediaType = img.mediaType() != null ? img.mediaType() : sniff(img.base64Data());
        if (mediaType == null || !IMAGE_TYPES.contains(mediaType)) {
            throw GatewayError.badRequest("Anthropic accepts PNG, JPEG, GIF and WebP images; the image at '" + path + "' is "
                    + (mediaType == null ? "of an unknown type" : GatewayError.quote(mediaType)) + ".", path);
        }
        source.put("type", "base64").put("media_type", mediaType).put("data", img.base64Data());
        return block;
    }

    /** The media type from the first bytes of base64 data (magic numbers), or null. */
    static String sniff(String base64) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(base64.substring(0, Math.min(16, base64.length() / 4 * 4)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, int... magic) {
        if (b.length < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[at + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Tool-call ids must match {@code ^[a-zA-Z0-9_-]+$}; the same rewrite applies to calls and results (PROTOCOLS.md 5.6). */
    static String toolId(String id) {
        if (id == null || id.isEmpty()) {
            return "_";
        }
        StringBuilder sb = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok && sb == null) {
                sb = new StringBuilder(id.length()).append(id, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? c : '_');
            }
        }
        return sb == null ? id : sb.toString();
    }

    /** A call's JSON arguments as the object Anthropic wants; invalid or non-object JSON becomes {@code {}}. */
    static ObjectNode toolInput(ToolCall call) {
        try {
            JsonNode node = Json.MAPPER.readTree(call.argumentsJson() == null ? "" : call.argumentsJson());
            if (node instanceof ObjectNode o) {
                return o;
            }
        } catch (Exception ignored) {
            // fall through: the model's own malformed arguments must not fail the whole conversation
        }
        return Json.MAPPER.createObjectNode();
    }

    static List<ContentPart> nonEmpty(List<ContentPart> parts) {
        List<ContentPart> out = new ArrayList<>(parts.size());
        for (ContentPart p : parts) {
            if (!(p instanceof ContentPart.Text t) || !t.text().isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }
}
