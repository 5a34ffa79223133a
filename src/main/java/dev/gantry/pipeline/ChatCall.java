package dev.gantry.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.RawSink;
import java.util.function.Supplier;

/**
 * What a surface hands the gateway for one chat request. Which sink receives the answer is only
 * known once a deployment was chosen: a provider speaking the surface's own API ({@code wireApi})
 * relays bytes to the raw sink; any other provider sends canonical chunks to the translated one.
 * Each sink is created at most once, however many attempts the request takes; a failed attempt
 * never writes to a sink (it fails before the upstream answered 2xx).
 */
public final class ChatCall {

    private final ChatRequest request;
    private final String wireApi;
    private final ObjectNode rawBody;
    private final Supplier<ChunkSink> translatedFactory;
    private final Supplier<RawSink> rawFactory;
    private ChunkSink translated;
    private RawSink raw;

    /**
     * @param rawBody the client's body, or null when this surface cannot relay (then {@code rawFactory} is null too)
     */
    public ChatCall(ChatRequest request, String wireApi, ObjectNode rawBody,
                    Supplier<ChunkSink> translatedFactory, Supplier<RawSink> rawFactory) {
        this.request = request;
        this.wireApi = wireApi;
        this.rawBody = rawBody;
        this.translatedFactory = translatedFactory;
        this.rawFactory = rawFactory;
    }

    public ChatRequest request() {
        return request;
    }

    public String wireApi() {
        return wireApi;
    }

    public ObjectNode rawBody() {
        return rawBody;
    }

    public boolean canRelay() {
        return rawBody != null && rawFactory != null;
    }

    public ChunkSink translatedSink() {
        if (translated == null) {
            translated = translatedFactory.get();
        }
        return translated;
    }

    public RawSink rawSink() {
        if (raw == null) {
            raw = rawFactory.get();
        }
        return raw;
    }
}
