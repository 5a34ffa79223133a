package dev.gantry.model;

/** A complete tool call made by the assistant. {@code argumentsJson} is kept as the exact JSON text. */
public record ToolCall(String id, String name, String argumentsJson) {}
