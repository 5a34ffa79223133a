package dev.gantry.integration.matrix;

/** A raw-HTTP client for one inbound surface: sends a chat in its wire format and reads the answer back, checking the framing. */
public interface SurfaceClient {

    /** The prompt of a chat offering tools; the fakes call the first tool whatever it says. */
    String TOOL_PROMPT = "What is the weather in Oslo?";
    String PLAIN_PROMPT = "Say hello";

    /**
     * Sends one user turn to {@code model}; with {@code tools}, offers {@code get_weather(city)}.
     * Fails (AssertionError) on a non-200 status or any framing the surface's real clients would reject.
     */
    Reply chat(String model, boolean stream, boolean tools);

    /** The finish word this surface must report: a plain answer, or one ending in a tool call. */
    String expectedFinish(boolean tools);

    /** The input tokens this surface must report for an upstream of {@code kind}. */
    long expectedInputTokens(ProviderKind kind);

    /** Whether this surface relays {@code kind}'s bytes as they are (same API both sides). */
    boolean passesThrough(ProviderKind kind);
}
