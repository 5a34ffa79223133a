package dev.gantry.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.provider.Json;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema (as clients write tool parameters and response schemas) → Gemini's {@code Schema},
 * a select subset of OpenAPI 3.0. Gemini answers 400 "Unknown name ... Cannot find field" for any
 * keyword outside that subset ({@code $schema}, {@code additionalProperties}, {@code const},
 * {@code exclusiveMinimum}...) and for type arrays, so the schema is rebuilt from a whitelist:
 * local {@code $ref}s are inlined, {@code ["string","null"]} becomes {@code nullable},
 * {@code const} becomes a one-value enum, {@code oneOf} becomes {@code anyOf}, {@code allOf}
 * is merged. Anything else is dropped: a looser schema beats a refused request.
 */
final class GeminiSchemas {

    /** Keywords copied as they are (after the structural ones below are handled). */
    private static final Set<String> PLAIN = Set.of("title", "description", "default", "example",
            "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties",
            "minimum", "maximum", "pattern", "propertyOrdering");
    /** Formats Gemini accepts per type; others are rejected by some models, so they are dropped. */
    private static final Map<String, Set<String>> FORMATS = Map.of(
            "STRING", Set.of("enum", "date-time"),
            "NUMBER", Set.of("float", "double"),
            "INTEGER", Set.of("int32", "int64"));
    private static final Set<String> TYPES = Set.of("STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT");
    /** Recursive definitions are unrolled this deep, then left as a bare object. */
    private static final int MAX_REF_DEPTH = 3;
    private static final int MAX_NESTING = 64;

    private GeminiSchemas() {}

    /**
     * Tool parameters: null when the tool takes none (Gemini rejects an OBJECT with empty
     * {@code properties} as function parameters, so such a schema is left out).
     */
    static ObjectNode parameters(JsonNode jsonSchema) {
        if (jsonSchema == null || !jsonSchema.isObject()) {
            return null;
        }
        ObjectNode out = convert(jsonSchema);
        if ("OBJECT".equals(out.path("type").asText()) && out.path("properties").isEmpty() && !out.has("anyOf")) {
            return null;
        }
        return out;
    }

    /** A whole schema, for {@code responseSchema} and nested use. */
    static ObjectNode convert(JsonNode jsonSchema) {
        return convert(jsonSchema, jsonSchema, 0, 0);
    }

    private static ObjectNode convert(JsonNode node, JsonNode root, int refDepth, int nesting) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (node == null || !node.isObject() || nesting > MAX_NESTING) {
            return out.put("type", "OBJECT");
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual()) {
            JsonNode target = resolve(root, ref.asText());
            if (target == null || refDepth >= MAX_REF_DEPTH) {
                out.put("type", "OBJECT");
                copyText(node, out, "description");
                return out;
            }
            ObjectNode resolved = convert(target, root, refDepth + 1, nesting + 1);
            copyText(node, resolved, "description"); // a description beside the $ref wins
            return resolved;
        }
        JsonNode allOf = node.get("allOf");
        if (allOf != null && allOf.isArray() && !allOf.isEmpty()) {
            return convert(mergeAllOf((ObjectNode) node, allOf, root), root, refDepth, nesting + 1);
        }

        boolean nullable = node.path("nullable").asBoolean(false);
        String type = null;
        JsonNode t = node.get("type");
        if (t != null && t.isTextual()) {
            if (t.asText().equalsIgnoreCase("null")) {
                nullable = true;
            } else {
                type = t.asText().toUpperCase(Locale.ROOT);
            }
        } else if (t != null && t.isArray()) {
            ArrayNode alternatives = Json.MAPPER.createArrayNode();
            for (JsonNode each : t) {
                String name = each.asText().toUpperCase(Locale.ROOT);
                if (name.equals("NULL")) {
                    nullable = true;
                } else if (TYPES.contains(name)) {
                    alternatives.add(name);
                }
            }
            if (alternatives.size() == 1) {
                type = alternatives.get(0).asText();
            } else if (alternatives.size() > 1) {
                // Several types: one alternative per type, each carrying the type's own keywords.
                ArrayNode anyOf = out.putArray("anyOf");
                for (JsonNode alt : alternatives) {
                    ObjectNode single = ((ObjectNode) node.deepCopy());
                    single.put("type", alt.asText().toLowerCase(Locale.ROOT));
                    anyOf.add(convert(single, root, refDepth, nesting + 1));
                }
                copyText(node, out, "description");
                if (nullable) {
                    out.put("nullable", true);
                }
                return out;
            }
        }
        if (type != null && !TYPES.contains(type)) {
            type = null;
        }
        JsonNode variants = node.has("anyOf") ? node.get("anyOf") : node.get("oneOf");
        if (variants != null && variants.isArray() && !variants.isEmpty()) {
            ArrayNode anyOf = out.putArray("anyOf");
            for (JsonNode v : variants) {
                if (v.isObject() && "null".equals(v.path("type").asText()) && v.size() == 1) {
                    nullable = true; // {"anyOf":[X,{"type":"null"}]} is X nullable
                } else {
                    anyOf.add(convert(v, root, refDepth, nesting + 1));
                }
            }
            if (anyOf.size() == 1 && type == null) {
                ObjectNode only = (ObjectNode) anyOf.get(0);
                out.remove("anyOf");
                out.setAll(only);
            } else if (anyOf.isEmpty()) {
                out.remove("anyOf");
            }
        }
        if (type == null && !out.has("anyOf") && !out.has("type")) {
            type = node.has("properties") ? "OBJECT" : node.has("items") ? "ARRAY" : null;
        }
        if (type != null) {
            out.put("type", type);
        }
        String effective = out.path("type").asText(null);

        JsonNode constant = node.get("const");
        JsonNode enumeration = node.get("enum");
        if (constant != null && !constant.isNull()) {
            out.putArray("enum").add(constant.isTextual() ? constant.asText() : constant.toString());
        } else if (enumeration != null && enumeration.isArray()) {
            ArrayNode values = out.putArray("enum");
            for (JsonNode v : enumeration) {
                if (v.isNull()) {
                    nullable = true;
                } else {
                    values.add(v.isTextual() ? v.asText() : v.toString()); // Gemini enums are strings
                }
            }
        }
        if (out.has("enum") && effective == null) {
            out.put("type", "STRING");
            effective = "STRING";
        }
        JsonNode format = node.get("format");
        if (format != null && format.isTextual() && effective != null
                && FORMATS.getOrDefault(effective, Set.of()).contains(format.asText())) {
            out.put("format", format.asText());
        } else if (out.has("enum") && "STRING".equals(effective)) {
            out.put("format", "enum");
        }
        for (String key : PLAIN) {
            JsonNode v = node.get(key);
            if (v != null && !v.isNull() && plainFits(key, v)) {
                out.set(key, v);
            }
        }
        JsonNode properties = node.get("properties");
        if (properties != null && properties.isObject()) {
            ObjectNode props = out.putObject("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                props.set(p.getKey(), convert(p.getValue(), root, refDepth, nesting + 1));
            }
            JsonNode required = node.get("required");
            if (required != null && required.isArray()) {
                ArrayNode req = Json.MAPPER.createArrayNode();
                for (JsonNode r : required) {
                    if (r.isTextual() && props.has(r.asText())) {
                        req.add(r.asText()); // Gemini refuses required names that are not properties
                    }
                }
                if (!req.isEmpty()) {
                    out.set("required", req);
                }
            }
        }
        JsonNode items = node.get("items");
        if (items != null && items.isObject()) {
            out.set("items", convert(items, root, refDepth, nesting + 1));
        } else if (items != null && items.isArray() && !items.isEmpty()) {
            out.set("items", convert(items.get(0), root, refDepth, nesting + 1)); // tuple form: first item's schema
        } else if ("ARRAY".equals(effective)) {
            out.putObject("items").put("type", "STRING"); // Gemini requires items for ARRAY
        }
        if (nullable) {
            out.put("nullable", true);
        }
        return out;
    }

    private static boolean plainFits(String key, JsonNode v) {
        return switch (key) {
            case "title", "description", "pattern" -> v.isTextual();
            case "minimum", "maximum" -> v.isNumber();
            case "propertyOrdering" -> v.isArray();
            case "default", "example" -> true;
            default -> v.isIntegralNumber() || (v.isTextual() && v.asText().matches("\\d{1,18}"));
        };
    }

    private static void copyText(JsonNode from, ObjectNode to, String key) {
        JsonNode v = from.get(key);
        if (v != null && v.isTextual()) {
            to.put(key, v.asText());
        }
    }

    /** {@code allOf}: the parts' properties, required names and other keywords, merged into one schema. */
    private static ObjectNode mergeAllOf(ObjectNode node, JsonNode allOf, JsonNode root) {
        ObjectNode merged = node.deepCopy();
        merged.remove("allOf");
        for (JsonNode part : allOf) {
            JsonNode p = part;
            if (p.has("$ref")) {
                JsonNode target = resolve(root, p.path("$ref").asText());
                p = target == null ? Json.MAPPER.createObjectNode() : target;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("properties") && e.getValue().isObject()) {
                    JsonNode existing = merged.get("properties");
                    ObjectNode props = existing instanceof ObjectNode o ? o : merged.putObject("properties");
                    e.getValue().fields().forEachRemaining(f -> props.putIfAbsent(f.getKey(), f.getValue()));
                } else if (e.getKey().equals("required") && e.getValue().isArray()) {
                    JsonNode existing = merged.get("required");
                    ArrayNode req = existing instanceof ArrayNode a ? a : merged.putArray("required");
                    e.getValue().forEach(req::add);
                } else if (!merged.has(e.getKey())) {
                    merged.set(e.getKey(), e.getValue());
                }
            }
        }
        return merged;
    }

    /** Resolves {@code #/$defs/X}, {@code #/definitions/X} and other local JSON pointers; null if absent or remote. */
    private static JsonNode resolve(JsonNode root, String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        try {
            JsonNode target = ref.length() <= 1 ? root : root.at(ref.substring(1));
            return target == null || target.isMissingNode() || !target.isObject() ? null : target;
        } catch (IllegalArgumentException e) {
            return null; // not a valid JSON pointer
        }
    }
}
