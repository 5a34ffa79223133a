package dev.gantry.provider.framing;

import io.vertx.core.buffer.Buffer;

/**
 * One server-sent event: its {@code event} name (null when absent), its joined {@code data},
 * any {@code error:} field (llama.cpp's in-band error form), and the exact bytes it arrived as.
 */
public record SseEvent(String event, String data, String error, Buffer raw) {}
