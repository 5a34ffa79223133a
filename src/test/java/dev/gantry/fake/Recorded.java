package dev.gantry.fake;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import java.util.concurrent.CompletableFuture;

/**
 * One request a fake received: its parsed JSON body (a {@code MissingNode} when the body was not
 * JSON), its headers (case-insensitive), and when the server saw the connection close while the
 * response was still in flight ({@link System#nanoTime()}), which never completes for a request
 * that was answered in full.
 */
public final class Recorded {

    private final String path;
    private final JsonNode body;
    private final MultiMap headers;
    private final CompletableFuture<Long> closedEarly = new CompletableFuture<>();
    private volatile boolean completed;
    private final long receivedNanos = System.nanoTime();
    private volatile long endNanos = Long.MAX_VALUE;

    Recorded(String path, JsonNode body, MultiMap headers) {
        this.path = path;
        this.body = body;
        this.headers = headers;
    }

    public String path() {
        return path;
    }

    public JsonNode body() {
        return body;
    }

    public MultiMap headers() {
        return headers;
    }

    /** First value of a header, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Completes with {@code System.nanoTime()} when the connection closed before the reply ended. */
    public CompletableFuture<Long> closedEarly() {
        return closedEarly;
    }

    /** True once the fake finished writing the whole reply. */
    public boolean completed() {
        return completed;
    }

    /** When the fake received the request ({@link System#nanoTime()}). */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** When the reply was complete or the connection closed; {@code Long.MAX_VALUE} while in flight. */
    public long endNanos() {
        return endNanos;
    }

    void markCompleted() {
        completed = true;
        endNanos = System.nanoTime();
    }

    void markClosed(long nanoTime) {
        endNanos = Math.min(endNanos, nanoTime);
        closedEarly.complete(nanoTime);
    }
}
