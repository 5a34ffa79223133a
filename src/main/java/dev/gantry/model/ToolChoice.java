package dev.gantry.model;

/** How the model may use tools. {@code functionName} is set only for {@link Mode#NAMED}. */
public record ToolChoice(Mode mode, String functionName) {

    public enum Mode { AUTO, NONE, REQUIRED, NAMED }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
}
