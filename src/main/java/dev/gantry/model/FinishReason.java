package dev.gantry.model;

/** Why generation ended, in canonical terms; each surface maps it to its own vocabulary. */
public enum FinishReason {
    STOP, LENGTH, TOOL_CALLS, CONTENT_FILTER, ERROR
}
