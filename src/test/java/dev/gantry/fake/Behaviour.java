package dev.gantry.fake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fake upstream does for one model. Mutable and thread-safe enough for tests: set it up
 * before the request, the fake reads it when the request arrives. Every setter returns
 * {@code this} so a test reads as one sentence.
 */
public final class Behaviour {

    /** A tool call the fake should emit; {@code id} may be null (old Ollama sends none). */
    public record ToolCallSpec(String id, String name, String argumentsJson) {}

    volatile List<String> tokens;
    volatile List<ToolCallSpec> toolCalls;
    volatile long chunkDelayMillis;
    volatile int errorStatus;
    volatile String errorBody;
    volatile boolean hangBeforeHeaders;
    volatile int resetAfterChunks = -1;
    volatile int inBandErrorAfterChunks = -1;
    volatile String inBandErrorMessage;
    volatile Integer promptTokens;
    volatile boolean omitUsage;
    volatile String retryAfter;
    volatile int hangAfterChunks = -1;
    final java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(-1);

    volatile String finishReason;
    volatile String blockReason;
    volatile String thoughtSignature;

    /** Reply with these tokens (one stream chunk each) instead of the default greeting. */
    public Behaviour tokens(String... tokens) {
        this.tokens = List.of(tokens);
        return this;
    }

    /** Reply with {@code count} tokens {@code "t0 "}, {@code "t1 "}, … (for slow long streams). */
    public Behaviour manyTokens(int count) {
        List<String> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add("t" + i + " ");
        }
        this.tokens = List.copyOf(list);
        return this;
    }

    /** Add a tool call to the reply (after any tokens). {@code id} null = no id on the wire. */
    public synchronized Behaviour toolCall(String id, String name, String argumentsJson) {
        List<ToolCallSpec> list = toolCalls == null ? new ArrayList<>() : new ArrayList<>(toolCalls);
        list.add(new ToolCallSpec(id, name, argumentsJson));
        this.toolCalls = List.copyOf(list);
        return this;
    }

    /** Wait this long before each chunk (and, for a non-streamed reply, this long per token). */
    public Behaviour chunkDelay(Duration delay) {
        this.chunkDelayMillis = delay.toMillis();
        return this;
    }

    /** Answer with this HTTP status and raw body (JSON) instead of a reply. */
    public Behaviour failWith(int status, String body) {
        this.errorStatus = status;
        this.errorBody = body;
        return this;
    }

    /** Accept the request but never send the status line or headers. */
    public Behaviour hangBeforeHeaders() {
        this.hangBeforeHeaders = true;
        return this;
    }

    /** Send headers and {@code chunks} chunks, then close the socket without the final object. */
    public Behaviour resetAfterChunks(int chunks) {
        this.resetAfterChunks = chunks;
        return this;
    }

    /** Send {@code chunks} chunks, then an in-band error object, then end the response (status 200). */
    public Behaviour inBandErrorAfterChunks(int chunks, String message) {
        this.inBandErrorAfterChunks = chunks;
        this.inBandErrorMessage = message;
        return this;
    }

    /** Report this many prompt tokens instead of the default 12. */
    public Behaviour promptTokens(int tokens) {
        this.promptTokens = tokens;
        return this;
    }

    /** Leave {@code usage} out of non-streamed answers, as some OpenAI-compatible servers do. */
    public Behaviour omitUsage() {
        this.omitUsage = true;
        return this;
    }

    /** Send headers and {@code chunks} chunks, then nothing more, keeping the connection open. */
    public Behaviour hangAfterChunks(int chunks) {
        this.hangAfterChunks = chunks;
        return this;
    }

    /** Send this {@code Retry-After} header with the scripted error. */
    public Behaviour retryAfter(String value) {
        this.retryAfter = value;
        return this;
    }

    /** Apply {@link #failWith} to the next {@code count} requests only, then answer normally. */
    public Behaviour onlyFirst(int count) {
        this.failuresLeft.set(count);
        return this;
    }

    /** True when this request must get the scripted error (consumes one of {@link #onlyFirst}). */
    boolean failsNow() {
        if (errorStatus == 0) {
            return false;
        }
        if (failuresLeft.get() < 0) {
            return true;
        }
        return failuresLeft.getAndDecrement() > 0;
    }

    /** With {@link #failWith}: also send {@code retry-after: seconds}. */
    public Behaviour retryAfter(long seconds) {
        return retryAfter(Long.toString(seconds));
    }

    /** End the reply with this upstream finish-reason word (e.g. Gemini's SAFETY) instead of the natural one. */
    public Behaviour finishReason(String reason) {
        this.finishReason = reason;
        return this;
    }

    /** Refuse the prompt as blocked (Gemini: 200 with {@code promptFeedback.blockReason} and no candidates). */
    public Behaviour blockPrompt(String reason) {
        this.blockReason = reason;
        return this;
    }

    /** Attach this opaque signature to the first tool call (Gemini 3 {@code thoughtSignature}). */
    public Behaviour thoughtSignature(String signature) {
        this.thoughtSignature = signature;
        return this;
    }
}
