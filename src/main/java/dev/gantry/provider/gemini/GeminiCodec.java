package dev.gantry.provider.gemini;

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
import java.util.HashMap;
import java.util.Map;

/**
 * Canonical request → Gemini {@code generateContent} body (PROTOCOLS.md 4.4, 5.1–5.6): system
 * messages hoisted into {@code systemInstruction}, roles user/model with same-role neighbours
 * merged, tool results as {@code functionResponse} parts in user turns, tools as
 * {@code functionDeclarations}, sampling in {@code generationConfig}.
 */
final class GeminiCodec {

    /** Files API uploads may be referenced as {@code fileData}; other remote URLs would need fetching. */
    private static final String FILES_API = "https://generativelanguage.googleapis.com/";

    private GeminiCodec() {}

    static ObjectNode chatBody(ChatRequest request) {
        refuseUnsupported(request);
        ArrayNode system = Json.MAPPER.createArrayNode();
        ArrayNode contents = Json.MAPPER.createArrayNode();
        Map<String, String> toolNamesById = new HashMap<>();
        ObjectNode turn = null;
        for (Message m : request.messages()) {
            if (m.role() == Role.SYSTEM) {
                String text = m.joinedText();
                if (!text.isEmpty()) {
                    system.addObject().put("text", text);
                }
                continue;
            }
            String role = m.role() == Role.ASSISTANT ? "model" : "user";
            ArrayNode parts = Json.MAPPER.createArrayNode();
            switch (m.role()) {
                case USER -> userParts(m, parts);
                case ASSISTANT -> modelParts(m, parts, toolNamesById);
                case TOOL -> parts.add(functionResponse(m, toolNamesById));
                default -> throw new IllegalStateException();
            }
            if (parts.isEmpty()) {
                continue;
            }
            if (turn != null && role.equals(turn.path("role").asText())) {
                ((ArrayNode) turn.get("parts")).addAll(parts); // Gemini wants roles to alternate
            } else {
                turn = contents.addObject().put("role", role);
                turn.set("parts", parts);
            }
        }
        if (contents.isEmpty()) {
            throw GatewayError.badRequest("Gemini needs at least one user or assistant message with content "
                    + "besides system messages.", "messages");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").set("parts", system);
        }
        body.set("contents", contents);
        tools(request, body);
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        return body;
    }

    /** Features whose loss would change what the client receives are refused, not dropped (PROTOCOLS.md 5.11). */
    private static void refuseUnsupported(ChatRequest request) {
        JsonNode n = request.extra().get("n");
        if (n != null && n.asInt(1) > 1) {
            throw GatewayError.badRequest("Gemini deployments return one choice per request; 'n' must be 1.", "n");
        }
        JsonNode logprobs = request.extra().get("logprobs");
        if (logprobs != null && logprobs.asBoolean(false)) {
            throw GatewayError.badRequest("Gemini deployments do not return logprobs through this gateway; "
                    + "remove 'logprobs'.", "logprobs");
        }
    }

    private static void userParts(Message m, ArrayNode parts) {
        for (ContentPart part : m.parts()) {
            if (part instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) {
                    parts.addObject().put("text", t.text());
                }
            } else if (part instanceof ContentPart.Image img) {
                parts.add(image(img));
            }
        }
    }

    private static ObjectNode image(ContentPart.Image img) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        if (img.isInline()) {
            String mime = img.mediaType() != null ? img.mediaType() : sniff(img.base64Data());
            part.putObject("inlineData").put("mimeType", mime).put("data", img.base64Data());
            return part;
        }
        if (img.url().startsWith(FILES_API)) {
            ObjectNode file = part.putObject("fileData");
            if (img.mediaType() != null) {
                file.put("mimeType", img.mediaType());
            }
            file.put("fileUri", img.url());
            return part;
        }
        throw GatewayError.badRequest("Gemini deployments take images as base64 data: URLs "
                + "(data:image/png;base64,...) or Gemini Files API URIs, not other remote URLs.", "messages");
    }

    /** A data: URL without a media type: tell the common image formats apart by their first bytes (in base64). */
    private static String sniff(String base64) {
        if (base64.startsWith("/9j/")) {
            return "image/jpeg";
        }
        if (base64.startsWith("R0lGOD")) {
            return "image/gif";
        }
        if (base64.startsWith("UklGR")) {
            return "image/webp";
        }
        return "image/png";
    }

    private static void modelParts(Message m, ArrayNode parts, Map<String, String> toolNamesById) {
        String text = m.joinedText();
        if (!text.isEmpty()) {
            parts.addObject().put("text", text);
        }
        for (ToolCall call : m.toolCalls()) {
            GeminiCallIds.Parsed id = GeminiCallIds.parse(call.id());
            toolNamesById.put(call.id(), call.name());
            ObjectNode part = parts.addObject();
            ObjectNode fc = part.putObject("functionCall");
            if (id.id() != null) {
                fc.put("id", id.id());
            }
            fc.put("name", call.name());
            fc.set("args", argumentsObject(call.argumentsJson()));
            if (id.signature() != null) {
                part.put("thoughtSignature", id.signature());
            }
        }
    }

    private static ObjectNode functionResponse(Message m, Map<String, String> toolNamesById) {
        String name = m.toolCallId() == null ? null : toolNamesById.get(m.toolCallId());
        if (name == null) {
            name = m.name(); // the legacy "function" role names the function itself
        }
        if (name == null) {
            throw GatewayError.badRequest("A tool message answers tool_call_id '" + GatewayError.quote(m.toolCallId())
                    + "', but no earlier assistant message made that call; Gemini needs the function's name.", "messages");
        }
        ObjectNode part = Json.MAPPER.createObjectNode();
        ObjectNode fr = part.putObject("functionResponse");
        String id = GeminiCallIds.parse(m.toolCallId()).id();
        if (id != null && toolNamesById.containsKey(m.toolCallId())) {
            fr.put("id", id);
        }
        fr.put("name", name);
        fr.putObject("response").put("output", m.joinedText()); // must be an object
        return part;
    }

    /** Gemini wants arguments as an object; text that is not a JSON object becomes {} (PROTOCOLS.md 5.6). */
    static ObjectNode argumentsObject(String json) {
        if (json == null || json.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return node instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static void tools(ChatRequest request, ObjectNode body) {
        if (request.tools().isEmpty()) {
            return;
        }
        ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
        for (Tool tool : request.tools()) {
            ObjectNode fn = declarations.addObject().put("name", tool.name());
            if (tool.description() != null) {
                fn.put("description", tool.description());
            }
            ObjectNode parameters = GeminiSchemas.parameters(tool.parameters());
            if (parameters != null) {
                fn.set("parameters", parameters);
            }
        }
        ToolChoice choice = request.toolChoice();
        if (choice == null) {
            return;
        }
        ObjectNode config = body.putObject("toolConfig").putObject("functionCallingConfig");
        switch (choice.mode()) {
            case AUTO -> config.put("mode", "AUTO");
            case NONE -> config.put("mode", "NONE");
            case REQUIRED -> config.put("mode", "ANY");
            case NAMED -> {
                if (request.tools().stream().noneMatch(t -> t.name().equals(choice.functionName()))) {
                    throw GatewayError.badRequest("tool_choice names the function '" + GatewayError.quote(choice.functionName())
                            + "', which is not among 'tools'.", "tool_choice");
                }
                config.put("mode", "ANY");
                config.putArray("allowedFunctionNames").add(choice.functionName());
            }
        }
    }

    private static ObjectNode generationConfig(ChatRequest request) {
        ObjectNode config = Json.MAPPER.createObjectNode();
        if (request.temperature() != null) {
            config.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            config.put("topP", request.topP());
        }
        copyNumber(request, "top_k", config, "topK");
        if (request.maxTokens() != null) {
            config.put("maxOutputTokens", request.maxTokens());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = config.putArray("stopSequences");
            request.stop().forEach(stop::add);
        }
        Long seed = request.seed();
        if (seed != null && seed >= Integer.MIN_VALUE && seed <= Integer.MAX_VALUE) {
            config.put("seed", seed.intValue()); // Gemini's seed is int32; a larger one only tunes sampling: dropped
        }
        copyNumber(request, "presence_penalty", config, "presencePenalty");
        copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
        ResponseFormat format = request.responseFormat();
        if (format != null && format.type() != ResponseFormat.Type.TEXT) {
            config.put("responseMimeType", "application/json");
            if (format.type() == ResponseFormat.Type.JSON_SCHEMA && format.schema() != null && !format.schema().isEmpty()) {
                config.set("responseSchema", GeminiSchemas.convert(format.schema()));
            }
        }
        return config;
    }

    private static void copyNumber(ChatRequest request, String from, ObjectNode config, String to) {
        JsonNode v = request.extra().get(from);
        if (v != null && v.isNumber()) {
            config.set(to, v);
        }
    }
}
