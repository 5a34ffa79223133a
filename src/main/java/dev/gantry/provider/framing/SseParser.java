package dev.gantry.provider.framing;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An incremental server-sent-events parser that works on bytes: lines end at {@code \r\n},
 * {@code \n} or {@code \r}, and are decoded only once whole, so multi-byte characters that
 * straddle network reads stay intact. Comments ({@code :} lines) are skipped; the raw bytes of
 * each event are kept for byte-exact relaying.
 */
public final class SseParser implements Framer {

    private final int maxEvent;
    private final Consumer<SseEvent> onEvent;
    private Buffer pending = Buffer.buffer();
    private Buffer raw = Buffer.buffer();
    private String eventName;
    private StringBuilder data;
    private String error;
    private boolean bomChecked;

    public SseParser(int maxEvent, Consumer<SseEvent> onEvent) {
        this.maxEvent = maxEvent;
        this.onEvent = onEvent;
    }

    @Override
    public void feed(Buffer chunk) {
        Buffer buf = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int len = buf.length();
        int start = 0;
        if (!bomChecked && len >= 3) {
            bomChecked = true;
            if ((buf.getByte(0) & 0xFF) == 0xEF && (buf.getByte(1) & 0xFF) == 0xBB && (buf.getByte(2) & 0xFF) == 0xBF) {
                start = 3;
            }
        }
        int i = start;
        while (i < len) {
            byte b = buf.getByte(i);
            if (b == '\n') {
                line(buf, start, i, i + 1);
                start = ++i;
            } else if (b == '\r') {
                if (i + 1 == len) {
                    break; // could be the first half of \r\n: wait for the next byte
                }
                int next = buf.getByte(i + 1) == '\n' ? i + 2 : i + 1;
                line(buf, start, i, next);
                start = i = next;
            } else {
                i++;
            }
        }
        pending = start == len ? Buffer.buffer() : buf.getBuffer(start, len);
        if (pending.length() + raw.length() > maxEvent) {
            throw new FramingException("an event of the upstream stream exceeds " + maxEvent + " bytes");
        }
    }

    /**
     * Call at end of stream: a final line ended by a lone {@code \r} was held back in case a
     * {@code \n} followed; now it is known to be complete. An event without its closing blank
     * line is discarded, as the SSE spec says (the caller treats that as truncation).
     */
    @Override
    public void finish() {
        int len = pending.length();
        if (len > 0 && pending.getByte(len - 1) == '\r') {
            Buffer rest = pending;
            pending = Buffer.buffer();
            line(rest, 0, len - 1, len);
        }
    }

    private void line(Buffer buf, int from, int to, int next) {
        raw.appendBuffer(buf, from, next - from);
        if (to == from) {
            dispatch();
            return;
        }
        if (buf.getByte(from) == ':') {
            return; // comment / heartbeat
        }
        String line = buf.getString(from, to, StandardCharsets.UTF_8.name());
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            case "event" -> eventName = value;
            case "error" -> error = value;
            default -> { /* id, retry and unknown fields are ignored */ }
        }
        if (raw.length() > maxEvent) {
            throw new FramingException("an event of the upstream stream exceeds " + maxEvent + " bytes");
        }
    }

    private void dispatch() {
        if (data != null || error != null) {
            onEvent.accept(new SseEvent(eventName, data == null ? null : data.toString(), error, raw));
        }
        raw = Buffer.buffer();
        eventName = null;
        data = null;
        error = null;
    }
}
