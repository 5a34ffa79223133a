package dev.gantry.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.provider.framing.FramingException;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

class EventStreamFramerTest {

    private static final int MAX = 16 * 1024 * 1024;

    static byte[] encode(String eventType, String json) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString("event"));
        headers.put(":event-type", HeaderValue.fromString(eventType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        ByteBuffer bb = new Message(headers, json.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        return out;
    }

    private static byte[] stream(int messages) {
        Buffer all = Buffer.buffer();
        for (int i = 0; i < messages; i++) {
            // Multi-byte text, so a split can fall inside a character as well as inside a header or the prelude.
            all.appendBytes(encode("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"blåbær " + i + " 🚀\"}}"));
        }
        return all.getBytes();
    }

    private static List<String> payloads(List<Message> messages) {
        return messages.stream().map(m -> new String(m.getPayload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void messagesSplitAtRandomByteBoundariesComeOutWholeAndInOrder() {
        byte[] bytes = stream(40);
        List<Message> expected = new ArrayList<>();
        new EventStreamFramer(MAX, expected::add).feed(Buffer.buffer(bytes));
        assertThat(expected).hasSize(40);

        Random random = new Random(20240611);
        for (int round = 0; round < 300; round++) {
            List<Message> got = new ArrayList<>();
            EventStreamFramer framer = new EventStreamFramer(MAX, got::add);
            int pos = 0;
            while (pos < bytes.length) {
                int n = Math.min(bytes.length - pos, 1 + random.nextInt(round % 3 == 0 ? 4 : 97));
                framer.feed(Buffer.buffer().appendBytes(bytes, pos, n));
                pos += n;
                assertThat(got.size()).as("never emitted ahead of the bytes").isLessThanOrEqualTo(40);
            }
            framer.finish();
            assertThat(payloads(got)).as("round %d", round).isEqualTo(payloads(expected));
            assertThat(got.get(7).getHeaders().get(":event-type").getString()).isEqualTo("contentBlockDelta");
        }
    }

    @Test
    void aMessageIsEmittedAsSoonAsItsLastByteArrives() {
        byte[] one = encode("messageStart", "{\"role\":\"assistant\"}");
        List<Message> got = new ArrayList<>();
        EventStreamFramer framer = new EventStreamFramer(MAX, got::add);

        framer.feed(Buffer.buffer().appendBytes(one, 0, one.length - 1));
        assertThat(got).isEmpty();
        framer.feed(Buffer.buffer().appendBytes(one, one.length - 1, 1));
        assertThat(got).hasSize(1);
    }

    @Test
    void aCorruptPayloadFailsTheMessageChecksum() {
        byte[] one = encode("messageStart", "{\"role\":\"assistant\"}");
        one[one.length - 8] ^= 0x20;

        assertThatThrownBy(() -> new EventStreamFramer(MAX, m -> { }).feed(Buffer.buffer(one)))
                .isInstanceOf(FramingException.class).hasMessageContaining("corrupt");
    }

    @Test
    void aCorruptLengthIsCaughtByThePreludeChecksumBeforeWaitingForIt() {
        byte[] one = encode("messageStart", "{\"role\":\"assistant\"}");
        one[1] = 0x7f; // total length now claims megabytes

        assertThatThrownBy(() -> new EventStreamFramer(MAX, m -> { }).feed(Buffer.buffer().appendBytes(one, 0, 12)))
                .isInstanceOf(FramingException.class).hasMessageContaining("prelude");
    }

    @Test
    void aMessageAboveTheCapIsRefused() {
        byte[] one = encode("contentBlockDelta", "{\"delta\":{\"text\":\"" + "x".repeat(2000) + "\"}}");

        assertThatThrownBy(() -> new EventStreamFramer(1024, m -> { }).feed(Buffer.buffer().appendBytes(one, 0, 12)))
                .isInstanceOf(FramingException.class).hasMessageContaining("length");
    }

    @Test
    void theStreamEndingInsideAMessageIsAnError() {
        byte[] one = encode("messageStop", "{\"stopReason\":\"end_turn\"}");
        EventStreamFramer framer = new EventStreamFramer(MAX, m -> { });
        framer.feed(Buffer.buffer().appendBytes(one, 0, 20));

        assertThatThrownBy(framer::finish).isInstanceOf(FramingException.class);
    }

    @Test
    void aCleanEndAfterWholeMessagesIsFine() {
        EventStreamFramer framer = new EventStreamFramer(MAX, m -> { });
        framer.feed(Buffer.buffer(stream(2)));

        framer.finish();
    }
}
