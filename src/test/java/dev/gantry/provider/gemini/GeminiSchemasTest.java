package dev.gantry.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.provider.Json;
import org.junit.jupiter.api.Test;

class GeminiSchemasTest {

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keywordsOutsideGeminisSubsetAreDroppedAndTypesUppercased() {
        ObjectNode out = GeminiSchemas.convert(json("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
                 "properties":{"n":{"type":"integer","exclusiveMinimum":0,"minimum":1,"examples":[3]},
                               "s":{"type":"string","format":"uri","minLength":2,"propertyNames":{}}},
                 "required":["n"],"strict":true}"""));

        assertThat(out).isEqualTo(json("""
                {"type":"OBJECT","properties":{"n":{"type":"INTEGER","minimum":1},"s":{"type":"STRING","minLength":2}},
                 "required":["n"]}"""));
    }

    @Test
    void aNullableTypeArrayBecomesOneTypeWithNullable() {
        assertThat(GeminiSchemas.convert(json("{\"type\":[\"string\",\"null\"],\"description\":\"d\"}")))
                .isEqualTo(json("{\"type\":\"STRING\",\"description\":\"d\",\"nullable\":true}"));
    }

    @Test
    void severalTypesBecomeAnyOf() {
        ObjectNode out = GeminiSchemas.convert(json("{\"type\":[\"string\",\"integer\"]}"));
        assertThat(out.path("anyOf")).hasSize(2);
        assertThat(out.path("anyOf").get(0).path("type").asText()).isEqualTo("STRING");
        assertThat(out.path("anyOf").get(1).path("type").asText()).isEqualTo("INTEGER");
        assertThat(out.has("type")).isFalse();
    }

    @Test
    void constAndNonStringEnumsBecomeStringEnums() {
        assertThat(GeminiSchemas.convert(json("{\"const\":\"on\"}")))
                .isEqualTo(json("{\"type\":\"STRING\",\"enum\":[\"on\"],\"format\":\"enum\"}"));
        ObjectNode ints = GeminiSchemas.convert(json("{\"type\":\"integer\",\"enum\":[1,2,null]}"));
        assertThat(ints.path("enum")).isEqualTo(json("[\"1\",\"2\"]"));
        assertThat(ints.path("nullable").asBoolean()).isTrue();
    }

    @Test
    void localRefsAreInlinedAndRecursionStops() {
        ObjectNode out = GeminiSchemas.convert(json("""
                {"type":"object","$defs":{"node":{"type":"object","properties":{"child":{"$ref":"#/$defs/node"},"v":{"type":"string"}}}},
                 "properties":{"root":{"$ref":"#/$defs/node","description":"the root"},"old":{"$ref":"#/definitions/missing"}}}"""));

        JsonNode root = out.path("properties").path("root");
        assertThat(root.path("description").asText()).isEqualTo("the root");
        assertThat(root.path("properties").path("v").path("type").asText()).isEqualTo("STRING");
        JsonNode deepest = root;
        int depth = 0;
        while (deepest.path("properties").has("child")) {
            deepest = deepest.path("properties").path("child");
            depth++;
        }
        assertThat(depth).isBetween(1, 4);
        assertThat(deepest.path("type").asText()).isEqualTo("OBJECT");
        assertThat(out.path("properties").path("old")).isEqualTo(json("{\"type\":\"OBJECT\"}"));
        assertThat(out.has("$defs")).isFalse();
    }

    @Test
    void oneOfBecomesAnyOfAndANullAlternativeBecomesNullable() {
        ObjectNode out = GeminiSchemas.convert(json("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"number\"},{\"type\":\"null\"}]}"));
        assertThat(out.path("anyOf")).hasSize(2);
        assertThat(out.path("nullable").asBoolean()).isTrue();
        assertThat(GeminiSchemas.convert(json("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}")))
                .isEqualTo(json("{\"type\":\"STRING\",\"nullable\":true}"));
    }

    @Test
    void allOfPartsAreMergedIntoOneObject() {
        ObjectNode out = GeminiSchemas.convert(json("""
                {"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},
                          {"properties":{"b":{"type":"boolean"}},"required":["b"]}]}"""));
        assertThat(out.path("type").asText()).isEqualTo("OBJECT");
        assertThat(out.path("properties").has("a")).isTrue();
        assertThat(out.path("properties").has("b")).isTrue();
        assertThat(out.path("required")).isEqualTo(json("[\"a\",\"b\"]"));
    }

    @Test
    void requiredNamesWithoutPropertiesAndUnsupportedFormatsAreDropped() {
        ObjectNode out = GeminiSchemas.convert(json("""
                {"type":"object","properties":{"when":{"type":"string","format":"date-time"},"n":{"type":"number","format":"decimal"}},
                 "required":["when","ghost"]}"""));
        assertThat(out.path("required")).isEqualTo(json("[\"when\"]"));
        assertThat(out.path("properties").path("when").path("format").asText()).isEqualTo("date-time");
        assertThat(out.path("properties").path("n").has("format")).isFalse();
    }

    @Test
    void arraysAlwaysGetItemsAndTupleItemsUseTheFirst() {
        assertThat(GeminiSchemas.convert(json("{\"type\":\"array\"}")).path("items").path("type").asText()).isEqualTo("STRING");
        assertThat(GeminiSchemas.convert(json("{\"type\":\"array\",\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}"))
                .path("items").path("type").asText()).isEqualTo("INTEGER");
    }

    @Test
    void parametersWithoutPropertiesAreLeftOut() {
        assertThat(GeminiSchemas.parameters(json("{\"type\":\"object\",\"properties\":{}}"))).isNull();
        assertThat(GeminiSchemas.parameters(json("{\"type\":\"object\"}"))).isNull();
        assertThat(GeminiSchemas.parameters(null)).isNull();
        assertThat(GeminiSchemas.parameters(json("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}"))).isNotNull();
    }

    @Test
    void missingTypesAreInferredFromStructure() {
        assertThat(GeminiSchemas.convert(json("{\"properties\":{\"x\":{}}}")).path("type").asText()).isEqualTo("OBJECT");
        assertThat(GeminiSchemas.convert(json("{\"items\":{\"type\":\"string\"}}")).path("type").asText()).isEqualTo("ARRAY");
    }
}
