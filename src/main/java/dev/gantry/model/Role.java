package dev.gantry.model;

/** Conversation roles. OpenAI's {@code developer} role is the same canonical role as {@code system}. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL
}
