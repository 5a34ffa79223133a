package dev.gantry.provider.framing;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits an NDJSON byte stream into lines at {@code \n} bytes (JSON strings hold no raw
 * newlines, so splitting bytes is safe even inside multi-byte characters). A trailing {@code \r}
 * is dropped, empty lines are skipped, a partial line waits for the next read.
 */
public final class LineSplitter implements Framer {

    private final int maxLine;
    private final Consumer<Buffer> onLine;
    private Buffer pending = Buffer.buffer();

    public LineSplitter(int maxLine, Consumer<Buffer> onLine) {
        this.maxLine = maxLine;
        this.onLine = onLine;
    }

    /** @throws FramingException when a single line exceeds the cap */
    @Override
    public void feed(Buffer chunk) {
        Buffer data = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int start = 0;
        int len = data.length();
        for (int i = 0; i < len; i++) {
            if (data.getByte(i) == '\n') {
                emit(data, start, i);
                start = i + 1;
            }
        }
        pending = start == len ? Buffer.buffer() : data.getBuffer(start, len);
        if (pending.length() > maxLine) {
            throw new FramingException("a line of the upstream stream exceeds " + maxLine + " bytes");
        }
    }

    /** Emits a last line that had no newline, if any. */
    @Override
    public void finish() {
        if (pending.length() == 0) {
            return;
        }
        Buffer rest = pending;
        pending = Buffer.buffer();
        emit(rest, 0, rest.length());
    }

    private void emit(Buffer data, int from, int to) {
        if (to - from > maxLine) {
            throw new FramingException("a line of the upstream stream exceeds " + maxLine + " bytes");
        }
        int end = to;
        if (end > from && data.getByte(end - 1) == '\r') {
            end--;
        }
        if (end > from) {
            onLine.accept(data.getBuffer(from, end));
        }
    }
}
