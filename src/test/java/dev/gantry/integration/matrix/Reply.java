package dev.gantry.integration.matrix;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One answer read back from a surface, in surface-neutral terms, after the surface's own reader
 * has checked its framing. Token counts are as that surface reports them.
 *
 * @param model the {@code model} field of the answer
 * @param text all assistant text (empty when there was none)
 * @param toolId the tool call's id, null without a call (Ollama may send none)
 * @param toolName null without a call
 * @param toolArguments the call's arguments parsed to JSON, null without a call
 * @param finish the surface's own word: {@code finish_reason}, {@code stop_reason} or {@code done_reason}
 * @param cacheReadTokens Anthropic's {@code cache_read_input_tokens}; 0 on other surfaces
 */
public record Reply(String model, String text, String toolId, String toolName, JsonNode toolArguments, String finish,
                    long inputTokens, long outputTokens, long cacheReadTokens) {}
