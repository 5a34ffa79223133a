package dev.gantry.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What the Gemini API accepts and how it refuses: the request checks FakeGemini applies before
 * answering (the API is a protobuf service, so an unknown field anywhere is a 400 "Unknown name
 * ... Cannot find field"), and Google's error body {@code {"error":{"code","message","status","details"}}}.
 */
public final class GeminiWire {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Set<String> REQUEST = Set.of("model", "contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "safetySettings", "cachedContent");
    static final Set<String> CONTENT = Set.of("role", "parts");
    static final Set<String> PART = Set.of("text", "inlineData", "fileData", "functionCall", "functionResponse",
            "executableCode", "codeExecutionResult", "thought", "thoughtSignature", "videoMetadata");
    static final Set<String> GENERATION = Set.of("temperature", "topP", "topK", "maxOutputTokens", "stopSequences",
            "candidateCount", "seed", "presencePenalty", "frequencyPenalty", "responseMimeType", "responseSchema",
            "responseJsonSchema", "responseLogprobs", "logprobs", "thinkingConfig", "responseModalities", "mediaResolution");
    static final Set<String> DECLARATION = Set.of("name", "description", "parameters", "parametersJsonSchema", "response",
            "responseJsonSchema", "behavior");
    /** The OpenAPI subset of Gemini's Schema message. */
    static final Set<String> SCHEMA = Set.of("type", "format", "title", "description", "nullable", "enum", "maxItems",
            "minItems", "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern",
            "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
    static final Set<String> TYPES = Set.of("TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL");
    static final Set<String> MODES = Set.of("MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED");
    static final Set<String> EMBED = Set.of("model", "content", "taskType", "title", "outputDimensionality");

    /** A request the API refuses: status and message. */
    public static final class Refusal extends RuntimeException {
        final int code;

        Refusal(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private GeminiWire() {}

    static String status(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    /** Google's error body; a 429 carries a RetryInfo detail, a 400 a BadRequest detail. */
    static String errorBody(int code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        e.put("status", status(code));
        if (code == 429) {
            e.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", "30s");
        } else if (code == 400) {
            e.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.BadRequest")
                    .putArray("fieldViolations").addObject().put("description", message);
        }
        return root.toString();
    }

    static String mismatchKeyBody() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", 400);
        e.put("message", "API key not valid. Please pass a valid API key.");
        e.put("status", "INVALID_ARGUMENT");
        e.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                .put("reason", "API_KEY_INVALID").put("domain", "googleapis.com")
                .putObject("metadata").put("service", "generativelanguage.googleapis.com");
        return root.toString();
    }

    // ---------------------------------------------------------------- request checks

    /** @throws Refusal when the real API would refuse this generateContent body */
    public static void checkGenerate(JsonNode body) {
        if (!body.isObject()) {
            throw new Refusal(400, "Invalid JSON payload received. Expected an object.");
        }
        known(body, REQUEST, "");
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            throw new Refusal(400, "* GenerateContentRequest.contents: contents is not specified");
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            known(c, CONTENT, "contents[" + i + "]");
            String role = c.path("role").asText("");
            if (!role.equals("user") && !role.equals("model")) {
                throw new Refusal(400, "Please use a valid role: user, model.");
            }
            parts(c.path("parts"), "contents[" + i + "].parts");
        }
        if (body.has("systemInstruction")) {
            known(body.get("systemInstruction"), CONTENT, "system_instruction");
            parts(body.get("systemInstruction").path("parts"), "system_instruction.parts");
        }
        if (body.has("generationConfig")) {
            known(body.get("generationConfig"), GENERATION, "generation_config");
            JsonNode schema = body.get("generationConfig").get("responseSchema");
            if (schema != null) {
                schema(schema, "generation_config.response_schema");
            }
        }
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode decls = tools.get(i).path("functionDeclarations");
            for (int j = 0; j < decls.size(); j++) {
                String at = "tools[" + i + "].function_declarations[" + j + "]";
                JsonNode d = decls.get(j);
                known(d, DECLARATION, at);
                if (!d.path("name").asText("").matches("[A-Za-z_][A-Za-z0-9_.:-]{0,63}")) {
                    throw new Refusal(400, "* GenerateContentRequest." + at + ".name: Invalid function name.");
                }
                if (d.has("parameters")) {
                    JsonNode p = d.get("parameters");
                    schema(p, at + ".parameters");
                    if ("OBJECT".equalsIgnoreCase(p.path("type").asText()) && p.path("properties").isEmpty()) {
                        throw new Refusal(400, "* GenerateContentRequest." + at + ".parameters.properties: should be non-empty for OBJECT type");
                    }
                }
            }
        }
        JsonNode fcc = body.path("toolConfig").path("functionCallingConfig");
        if (fcc.has("mode") && !MODES.contains(fcc.path("mode").asText())) {
            throw new Refusal(400, "Invalid value at 'tool_config.function_calling_config.mode'");
        }
    }

    private static void parts(JsonNode parts, String at) {
        if (!parts.isArray() || parts.isEmpty()) {
            throw new Refusal(400, "* GenerateContentRequest." + at + ": contents.parts must not be empty.");
        }
        for (int k = 0; k < parts.size(); k++) {
            JsonNode p = parts.get(k);
            String here = at + "[" + k + "]";
            known(p, PART, here);
            JsonNode fr = p.get("functionResponse");
            if (fr != null) {
                if (fr.path("name").asText("").isEmpty()) {
                    throw new Refusal(400, "* GenerateContentRequest." + here + ".function_response.name: Name cannot be empty.");
                }
                if (!fr.path("response").isObject()) {
                    throw new Refusal(400, "Invalid JSON payload received. Invalid value at '" + here + ".function_response.response' (type.googleapis.com/google.protobuf.Struct)");
                }
            }
            JsonNode fc = p.get("functionCall");
            if (fc != null && (fc.path("name").asText("").isEmpty() || (fc.has("args") && !fc.get("args").isObject()))) {
                throw new Refusal(400, "* GenerateContentRequest." + here + ".function_call: name and object args are required.");
            }
            JsonNode inline = p.get("inlineData");
            if (inline != null && (inline.path("mimeType").asText("").isEmpty() || !inline.path("data").isTextual())) {
                throw new Refusal(400, "* GenerateContentRequest." + here + ".inline_data: mimeType and data are required.");
            }
        }
    }

    private static void schema(JsonNode s, String at) {
        if (!s.isObject()) {
            throw new Refusal(400, "Invalid JSON payload received. Invalid value at '" + at + "'");
        }
        known(s, SCHEMA, at);
        JsonNode type = s.get("type");
        if (type != null) {
            if (!type.isTextual()) {
                throw new Refusal(400, "Invalid JSON payload received. Unknown name \"type\" at '" + at + "': Proto field is not repeating, cannot start list.");
            }
            if (!TYPES.contains(type.asText().toUpperCase(java.util.Locale.ROOT))) {
                throw new Refusal(400, "Invalid JSON payload received. Invalid value at '" + at + ".type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"" + type.asText() + "\"");
            }
        }
        for (JsonNode v : s.path("enum")) {
            if (!v.isTextual()) {
                throw new Refusal(400, "Invalid JSON payload received. Invalid value at '" + at + ".enum' (TYPE_STRING)");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            schema(e.getValue(), at + ".properties[" + e.getKey() + "].value");
        }
        for (JsonNode r : s.path("required")) {
            if (!s.path("properties").has(r.asText())) {
                throw new Refusal(400, "* GenerateContentRequest." + at + ".required: property \"" + r.asText() + "\" is not defined");
            }
        }
        if (s.has("items")) {
            schema(s.get("items"), at + ".items");
        }
        JsonNode anyOf = s.path("anyOf");
        for (int i = 0; i < anyOf.size(); i++) {
            schema(anyOf.get(i), at + ".any_of[" + i + "]");
        }
    }

    static void known(JsonNode node, Set<String> fields, String at) {
        if (!node.isObject()) {
            throw new Refusal(400, "Invalid JSON payload received. Invalid value at '" + at + "'");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.contains(name)) {
                throw new Refusal(400, "Invalid JSON payload received. Unknown name \"" + name + "\""
                        + (at.isEmpty() ? "" : " at '" + at + "'") + ": Cannot find field.");
            }
        }
    }
}
