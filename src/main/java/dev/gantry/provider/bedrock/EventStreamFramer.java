package dev.gantry.provider.bedrock;

import dev.gantry.provider.framing.FramingException;
import dev.gantry.provider.framing.Framer;
import io.vertx.core.buffer.Buffer;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import software.amazon.eventstream.Message;

/**
 * Splits an AWS event stream (PROTOCOLS.md 4.5) into messages as network reads arrive; a message
 * may straddle any number of reads. Each whole frame is decoded and CRC-checked by the
 * {@code eventstream} library's {@link Message#decode}. Its own incremental
 * {@code MessageDecoder} is not used because it allocates a 2 MB buffer per stream up front;
 * holding only the unfinished frame keeps an idle stream at a few hundred bytes.
 */
final class EventStreamFramer implements Framer {

    private static final int PRELUDE = 12;
    private static final int OVERHEAD = 16;

    private final int maxMessage;
    private final Consumer<Message> onMessage;
    private Buffer pending = Buffer.buffer();

    EventStreamFramer(int maxMessage, Consumer<Message> onMessage) {
        this.maxMessage = maxMessage;
        this.onMessage = onMessage;
    }

    @Override
    public void feed(Buffer chunk) {
        Buffer data = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int len = data.length();
        int pos = 0;
        while (len - pos >= PRELUDE) {
            long total = data.getUnsignedInt(pos);
            checkPrelude(data, pos, total);
            if (len - pos < total) {
                break;
            }
            Message message;
            try {
                message = Message.decode(ByteBuffer.wrap(data.getBytes(pos, pos + (int) total)));
            } catch (IllegalArgumentException | IllegalStateException | BufferUnderflowException e) {
                throw new FramingException("an event-stream message is corrupt (" + e.getMessage() + ")");
            }
            pos += (int) total;
            onMessage.accept(message);
        }
        pending = pos == len ? Buffer.buffer() : data.getBuffer(pos, len);
    }

    /** The length is trusted only once the prelude's own CRC vouches for it, so a corrupt length cannot make us wait for megabytes. */
    private void checkPrelude(Buffer data, int pos, long total) {
        CRC32 crc = new CRC32();
        crc.update(data.getBytes(pos, pos + 8));
        if (crc.getValue() != data.getUnsignedInt(pos + 8)) {
            throw new FramingException("an event-stream prelude failed its checksum");
        }
        long headers = data.getUnsignedInt(pos + 4);
        if (total < OVERHEAD || total > maxMessage || headers > total - OVERHEAD) {
            throw new FramingException("an event-stream message has an impossible length " + total);
        }
    }

    @Override
    public void finish() {
        if (pending.length() > 0) {
            throw new FramingException("the stream ended inside an event-stream message");
        }
    }
}
