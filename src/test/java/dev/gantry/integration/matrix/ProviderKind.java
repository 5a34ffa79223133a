package dev.gantry.integration.matrix;

import dev.gantry.fake.FakeAnthropic;
import dev.gantry.fake.FakeAzure;
import dev.gantry.fake.FakeBedrock;
import dev.gantry.fake.FakeGemini;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;

/**
 * The six upstream kinds of the matrix: the public model that reaches each, the upstream model id
 * its fake sees, and what that fake reports (its greeting and token counts), so every cell can
 * check the numbers a client gets against the numbers the upstream sent.
 */
public enum ProviderKind {
    OLLAMA("llama3.2:1b", FakeOllama.PROMPT_EVAL_COUNT, 0, FakeOllama.TOOL_CALL_EVAL_COUNT, true),
    OPENAI("gpt-4o-mini", FakeOpenAi.PROMPT_TOKENS, 0, FakeOpenAi.TOOL_CALL_TOKENS, true),
    AZURE("my-deployment", FakeAzure.PROMPT_TOKENS, 0, FakeAzure.TOOL_CALL_TOKENS, true),
    /** Anthropic reports uncached input and cache reads apart; their sum is the prompt. */
    ANTHROPIC("claude-x", FakeAnthropic.INPUT_TOKENS + FakeAnthropic.CACHE_READ_TOKENS, FakeAnthropic.CACHE_READ_TOKENS,
            FakeAnthropic.TOOL_CALL_TOKENS, false),
    GEMINI("gemini-x", FakeGemini.PROMPT_TOKENS, 0, FakeGemini.TOOL_CALL_TOKENS, true),
    BEDROCK("anthropic.claude-x", FakeBedrock.INPUT_TOKENS, 0, FakeBedrock.TOOL_CALL_TOKENS, false);

    /** Every fake answers a plain chat with these four tokens: "Hello", " from", " <model>", "!". */
    public static final int GREETING_TOKENS = 4;

    private final String upstreamModel;
    private final int promptTokens;
    private final int cacheReadTokens;
    private final int toolCallTokens;
    private final boolean embeddings;

    ProviderKind(String upstreamModel, int promptTokens, int cacheReadTokens, int toolCallTokens, boolean embeddings) {
        this.upstreamModel = upstreamModel;
        this.promptTokens = promptTokens;
        this.cacheReadTokens = cacheReadTokens;
        this.toolCallTokens = toolCallTokens;
        this.embeddings = embeddings;
    }

    /** {@code ollama}, {@code openai}... as written after {@code provider:} in the config. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The name clients ask for, e.g. {@code m-gemini}. */
    public String publicModel() {
        return "m-" + id();
    }

    /** The model id (Azure: deployment name) the upstream receives. */
    public String upstreamModel() {
        return upstreamModel;
    }

    /** What the fake answers to a chat without tools. */
    public String greeting() {
        return "Hello from " + upstreamModel + "!";
    }

    /** All prompt tokens the fake reports (OpenAI's {@code prompt_tokens}, Ollama's {@code prompt_eval_count}). */
    public int promptTokens() {
        return promptTokens;
    }

    /** Of those, read from a prompt cache (Anthropic only). */
    public int cacheReadTokens() {
        return cacheReadTokens;
    }

    public int outputTokens(boolean tools) {
        return tools ? toolCallTokens : GREETING_TOKENS;
    }

    /** Whether the upstream API has an embeddings endpoint. */
    public boolean embeddings() {
        return embeddings;
    }
}
