package dev.gantry.model;

/**
 * Token usage. {@code inputTokens} includes cached prompt tokens; {@code estimated} is true when
 * the upstream reported nothing and Gantry counted itself.
 */
public record Usage(long inputTokens, long outputTokens, boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, true);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
