package dev.gantry.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Structured-output request: plain text, any JSON object, or JSON matching {@code schema}. */
public record ResponseFormat(Type type, String schemaName, JsonNode schema) {

    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }
}
