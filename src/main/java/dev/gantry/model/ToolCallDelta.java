package dev.gantry.model;

/**
 * A fragment of a streamed tool call. The first fragment of call {@code index} carries
 * {@code id} and {@code name}; later ones carry only an {@code argumentsFragment} to append.
 * Providers that deliver whole calls emit one fragment holding all three.
 */
public record ToolCallDelta(int index, String id, String name, String argumentsFragment) {

    public boolean startsCall() {
        return id != null || name != null;
    }
}
