package dev.gantry.provider.bedrock;

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
import java.util.Base64;
import java.util.Locale;

/**
 * Canonical request → Bedrock Converse body (PROTOCOLS.md 4.5, section 5). System text is
 * hoisted into {@code system}; tool results become {@code toolResult} blocks of a user turn;
 * neighbours of the same role are merged, because Converse wants strictly alternating turns.
 * JSON output is emulated with a forced tool whose input the decoders turn back into text.
 */
final class ConverseCodec {

    /** The forced tool that carries emulated JSON output (section 5.4). */
    static final String JSON_TOOL = "json_response";

    private ConverseCodec() {}

    /** True when the answer comes back through {@link #JSON_TOOL} and must be unwrapped into text. */
    static boolean emulatesJson(ChatRequest request) {
        return request.responseFormat() != null && request.responseFormat().type() != ResponseFormat.Type.TEXT;
    }

    /** @throws GatewayError (bad request) for content Converse cannot take */
    static ObjectNode body(ChatRequest request, Integer defaultMaxTokens) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode system = Json.MAPPER.createArrayNode();
        ArrayNode messages = body.putArray("messages");
        String lastRole = null;
        ArrayNode content = null;
        for (Message m : request.messages()) {
            if (m.role() == Role.SYSTEM) {
                String text = m.joinedText();
                if (!text.isEmpty()) {
                    system.addObject().put("text", text);
                }
                continue;
            }
            String role = m.role() == Role.ASSISTANT ? "assistant" : "user";
            ArrayNode blocks = blocks(m);
            if (blocks.isEmpty()) {
                continue; // Converse rejects empty turns; dropping one keeps the rest valid
            }
            if (role.equals(lastRole)) {
                content.addAll(blocks);
            } else {
                ObjectNode turn = messages.addObject();
                turn.put("role", role);
                content = turn.putArray("content");
                content.addAll(blocks);
                lastRole = role;
            }
        }
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        ObjectNode inference = Json.MAPPER.createObjectNode();
        Integer maxTokens = request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens;
        if (maxTokens != null) {
            inference.put("maxTokens", maxTokens);
        }
        if (request.temperature() != null) {
            inference.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            inference.put("topP", request.topP());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = inference.putArray("stopSequences");
            request.stop().forEach(stop::add);
        }
        if (!inference.isEmpty()) {
            body.set("inferenceConfig", inference);
        }
        toolConfig(request, body);
        JsonNode topK = request.extra().get("top_k");
        if (topK != null && topK.isNumber()) {
            body.putObject("additionalModelRequestFields").set("top_k", topK);
        }
        return body;
    }

    private static ArrayNode blocks(Message m) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (m.role() == Role.TOOL) {
            ObjectNode result = blocks.addObject().putObject("toolResult");
            result.put("toolUseId", toolUseId(m.toolCallId()));
            ArrayNode content = result.putArray("content");
            String text = m.joinedText();
            if (!text.isEmpty()) {
                content.addObject().put("text", text);
            }
            result.put("status", "success");
            return blocks;
        }
        for (ContentPart part : m.parts()) {
            if (part instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) {
                    blocks.addObject().put("text", t.text()); // Converse refuses blank text blocks
                }
            } else if (part instanceof ContentPart.Image img) {
                ObjectNode image = blocks.addObject().putObject("image");
                image.put("format", imageFormat(img));
                image.putObject("source").put("bytes", img.base64Data());
            }
        }
        for (ToolCall call : m.toolCalls()) {
            ObjectNode use = blocks.addObject().putObject("toolUse");
            use.put("toolUseId", toolUseId(call.id()));
            use.put("name", call.name());
            use.set("input", arguments(call.argumentsJson()));
        }
        return blocks;
    }

    private static String imageFormat(ContentPart.Image img) {
        if (!img.isInline()) {
            throw GatewayError.badRequest("Bedrock takes images inline only: send the image as a data: URL with base64 content, "
                    + "not a link.", "messages");
        }
        String type = img.mediaType() == null ? sniff(img.base64Data()) : img.mediaType().toLowerCase(Locale.ROOT);
        return switch (type == null ? "" : type) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpeg";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            default -> throw GatewayError.badRequest("Bedrock takes PNG, JPEG, GIF or WebP images"
                    + (type == null ? "; the image's type could not be recognised." : ", not " + GatewayError.quote(type) + "."), "messages");
        };
    }

    /** Images without a media type (Ollama clients send bare base64): read the magic bytes. */
    private static String sniff(String base64) {
        byte[] head;
        try {
            head = Base64.getDecoder().decode(base64.substring(0, Math.min(base64.length(), 16)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (head.length >= 4 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return "image/png";
        }
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (head.length >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
            return "image/gif";
        }
        if (head.length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    /** Tool arguments travel as a JSON string; Converse wants the object. Not an object → {@code {}} (PROTOCOLS 5.6). */
    private static JsonNode arguments(String json) {
        if (json != null && !json.isBlank()) {
            try {
                JsonNode node = Json.MAPPER.readTree(json);
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (Exception ignored) {
                // fall through to {}
            }
        }
        return Json.MAPPER.createObjectNode();
    }

    /** Converse ids allow {@code [a-zA-Z0-9_-]}; the same rewrite on call and result keeps them linked across turns. */
    static String toolUseId(String id) {
        if (id == null || id.isEmpty()) {
            return "call_none";
        }
        StringBuilder out = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            out.append(ok ? c : '_');
        }
        return out.toString();
    }

    private static void toolConfig(ChatRequest request, ObjectNode body) {
        boolean json = emulatesJson(request);
        ToolChoice choice = request.toolChoice();
        boolean none = choice != null && choice.mode() == ToolChoice.Mode.NONE;
        if (json) {
            if (!request.tools().isEmpty() && !none) {
                throw GatewayError.badRequest("Bedrock deployments cannot combine tools with response_format JSON "
                        + "(JSON output is emulated with a forced tool there).", "response_format");
            }
            ObjectNode config = body.putObject("toolConfig");
            ResponseFormat format = request.responseFormat();
            JsonNode schema = format.type() == ResponseFormat.Type.JSON_SCHEMA && format.schema() != null
                    ? format.schema() : Json.MAPPER.createObjectNode().put("type", "object");
            ObjectNode spec = config.putArray("tools").addObject().putObject("toolSpec");
            spec.put("name", JSON_TOOL);
            spec.put("description", "Give the answer as a JSON value matching this schema.");
            spec.putObject("inputSchema").set("json", schema);
            config.putObject("toolChoice").putObject("tool").put("name", JSON_TOOL);
            return;
        }
        if (request.tools().isEmpty() || none) {
            return; // Converse has no "none": leaving the tools out is how to forbid them
        }
        ObjectNode config = body.putObject("toolConfig");
        ArrayNode tools = config.putArray("tools");
        for (Tool tool : request.tools()) {
            ObjectNode spec = tools.addObject().putObject("toolSpec");
            spec.put("name", tool.name());
            if (tool.description() != null && !tool.description().isEmpty()) {
                spec.put("description", tool.description());
            }
            spec.putObject("inputSchema").set("json", tool.parameters() != null
                    ? tool.parameters() : Json.MAPPER.createObjectNode().put("type", "object"));
        }
        if (choice != null) {
            ObjectNode c = config.putObject("toolChoice");
            switch (choice.mode()) {
                case AUTO -> c.putObject("auto");
                case REQUIRED -> c.putObject("any");
                case NAMED -> c.putObject("tool").put("name", choice.functionName());
                case NONE -> { /* handled above */ }
            }
        }
    }
}
