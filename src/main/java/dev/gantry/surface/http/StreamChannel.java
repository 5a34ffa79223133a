package dev.gantry.surface.http;

import dev.gantry.model.GatewayError;
import io.vertx.core.buffer.Buffer;

/**
 * A streamed response in a surface's own framing (OpenAI SSE, Anthropic SSE, Ollama NDJSON):
 * writes with back-pressure, ends it, or ends it with the surface's in-band error.
 */
public interface StreamChannel {

    void write(Buffer framed);

    void end();

    void fail(GatewayError error);
}
