package dev.gantry.provider.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** An event with its raw bytes as a comparable value. */
    private record Seen(String event, String data, String error, List<Byte> raw) {
        static Seen of(SseEvent e) {
            byte[] bytes = e.raw().getBytes();
            List<Byte> raw = new ArrayList<>(bytes.length);
            for (byte b : bytes) {
                raw.add(b);
            }
            return new Seen(e.event(), e.data(), e.error(), raw);
        }

        String rawText() {
            byte[] b = new byte[raw.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = raw.get(i);
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static final String MIXED_STREAM =
            "event: start\r\ndata: {\"text\":\"héllo wörld €\"}\r\n\r\n"
            + "data: {\"text\":\"𝄞 music and 日本語\"}\n\n"
            + "data: line one\rdata: line two\r\r"
            + "id: 7\nretry: 100\ndata: [DONE]\n\n"
            + "error: {\"code\":500,\"message\":\"ünïcode failure\"}\n\n"
            + "data:  two leading spaces\r\n\r\n";

    private static List<Seen> parseWhole(byte[] bytes, int max) {
        List<Seen> out = new ArrayList<>();
        new SseParser(max, e -> out.add(Seen.of(e))).feed(Buffer.buffer(bytes));
        return out;
    }

    private static List<Seen> parseInChunks(byte[] bytes, int max, Random random, int maxChunk) {
        List<Seen> out = new ArrayList<>();
        SseParser parser = new SseParser(max, e -> out.add(Seen.of(e)));
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(bytes.length - pos, 1 + random.nextInt(maxChunk));
            parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, pos, pos + n)));
            pos += n;
        }
        return out;
    }

    private static List<Seen> parse(String stream) {
        return parseWhole(stream.getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    @Test
    void anyChunkingOfTheSameBytesYieldsIdenticalEvents() {
        byte[] bytes = MIXED_STREAM.getBytes(StandardCharsets.UTF_8);
        List<Seen> expected = parseWhole(bytes, 1 << 20);
        assertThat(expected).hasSize(6);

        Random random = new Random(20240611L);
        for (int round = 0; round < 500; round++) {
            int maxChunk = round % 3 == 0 ? 2 : 1 + random.nextInt(16);
            assertThat(parseInChunks(bytes, 1 << 20, random, maxChunk)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void everySingleSplitPointYieldsIdenticalEvents() {
        byte[] bytes = MIXED_STREAM.getBytes(StandardCharsets.UTF_8);
        List<Seen> expected = parseWhole(bytes, 1 << 20);
        for (int cut = 1; cut < bytes.length; cut++) {
            List<Seen> out = new ArrayList<>();
            SseParser parser = new SseParser(1 << 20, e -> out.add(Seen.of(e)));
            parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, 0, cut)));
            parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, cut, bytes.length)));
            assertThat(out).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void multiByteCharactersSplitAcrossReadsDecodeIntact() {
        byte[] bytes = "data: €𝄞日\n\n".getBytes(StandardCharsets.UTF_8);
        List<Seen> out = new ArrayList<>();
        SseParser parser = new SseParser(1024, e -> out.add(Seen.of(e)));
        for (byte b : bytes) {
            parser.feed(Buffer.buffer(new byte[] {b}));
        }
        assertThat(out).extracting(Seen::data).containsExactly("€𝄞日");
    }

    @Test
    void crLfSplitBetweenCrAndLfIsOneLineEnding() {
        List<Seen> out = new ArrayList<>();
        SseParser parser = new SseParser(1024, e -> out.add(Seen.of(e)));
        parser.feed(Buffer.buffer("data: a\r"));
        parser.feed(Buffer.buffer("\ndata: b\r"));
        parser.feed(Buffer.buffer("\n\r"));
        parser.feed(Buffer.buffer("\n"));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).data()).isEqualTo("a\nb");
        assertThat(out.get(0).rawText()).isEqualTo("data: a\r\ndata: b\r\n\r\n");
    }

    @Test
    void crLfLfAndCrLineEndingsAllEndLinesAndEvents() {
        assertThat(parse("data: a\r\ndata: b\r\n\r\n")).extracting(Seen::data).containsExactly("a\nb");
        assertThat(parse("data: a\ndata: b\n\n")).extracting(Seen::data).containsExactly("a\nb");
        assertThat(parse("data: a\rdata: b\r\rdata: c\r\rx")).extracting(Seen::data).containsExactly("a\nb", "c");
    }

    @Test
    void commentsAreIgnoredAndCommentOnlyBlocksYieldNoEvent() {
        List<Seen> events = parse(": keep-alive\n\ndata: x\n: inner comment\ndata: y\n\n:\n\n");
        assertThat(events).extracting(Seen::data).containsExactly("x\ny");
    }

    @Test
    void multiLineDataIsJoinedWithNewlinesIncludingEmptyLines() {
        assertThat(parse("data: a\ndata:\ndata: c\n\n")).extracting(Seen::data).containsExactly("a\n\nc");
        assertThat(parse("data\n\n")).extracting(Seen::data).containsExactly("");
    }

    @Test
    void onlyOneLeadingSpaceOfAValueIsDropped() {
        assertThat(parse("data:nospace\n\ndata:  two\n\n")).extracting(Seen::data).containsExactly("nospace", " two");
    }

    @Test
    void eventNamesAreReportedAndResetBetweenEvents() {
        List<Seen> events = parse("event: message_start\ndata: {}\n\ndata: {\"a\":1}\n\n");
        assertThat(events).extracting(Seen::event).containsExactly("message_start", null);
        assertThat(events).extracting(Seen::data).containsExactly("{}", "{\"a\":1}");
    }

    @Test
    void aLlamaCppErrorFieldIsAnEventEvenWithoutData() {
        List<Seen> events = parse("error: {\"code\":500,\"message\":\"slot unavailable\",\"type\":\"server_error\"}\n\n");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).data()).isNull();
        assertThat(events.get(0).error()).isEqualTo("{\"code\":500,\"message\":\"slot unavailable\",\"type\":\"server_error\"}");
    }

    @Test
    void idAndRetryFieldsAloneYieldNoEvent() {
        assertThat(parse("id: 1\nretry: 5\n\ndata: z\n\n")).extracting(Seen::data).containsExactly("z");
    }

    @Test
    void aLeadingBomIsStrippedEvenWhenSplitByteByByte() {
        byte[] bytes = "\uFEFFdata: x\n\n".getBytes(StandardCharsets.UTF_8);
        assertThat(bytes[0] & 0xFF).isEqualTo(0xEF);
        assertThat(parseWhole(bytes, 1024)).extracting(Seen::data).containsExactly("x");

        List<Seen> out = new ArrayList<>();
        SseParser parser = new SseParser(1024, e -> out.add(Seen.of(e)));
        for (byte b : bytes) {
            parser.feed(Buffer.buffer(new byte[] {b}));
        }
        assertThat(out).extracting(Seen::data).containsExactly("x");
        assertThat(out.get(0).rawText()).isEqualTo("data: x\n\n");
    }

    @Test
    void rawBytesOfAllEventsConcatenateToTheInputOfACommentFreeStream() {
        Random random = new Random(7L);
        byte[] bytes = MIXED_STREAM.getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 100; round++) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (Seen s : parseInChunks(bytes, 1 << 20, random, 1 + random.nextInt(9))) {
                for (byte b : s.raw()) {
                    joined.write(b);
                }
            }
            assertThat(joined.toByteArray()).as("round %d", round).isEqualTo(bytes);
        }
    }

    @Test
    void anOversizeEventFailsWhetherItArrivesWholeOrInPieces() {
        byte[] big = ("data: " + "x".repeat(200) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parseWhole(big, 64)).isInstanceOf(FramingException.class).hasMessageContaining("64");
        assertThatThrownBy(() -> parseInChunks(big, 64, new Random(1), 10)).isInstanceOf(FramingException.class);
    }

    @Test
    void anOversizeEventMadeOfManySmallLinesFails() {
        String many = "data: 0123456789\n".repeat(20) + "\n";
        assertThat(parse(many)).hasSize(1);
        assertThatThrownBy(() -> parseWhole(many.getBytes(StandardCharsets.UTF_8), 64)).isInstanceOf(FramingException.class);
    }

    @Test
    void anUnterminatedLineLongerThanTheCapFails() {
        SseParser parser = new SseParser(64, e -> {});
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                parser.feed(Buffer.buffer("data: " + "y".repeat(10)));
            }
        }).isInstanceOf(FramingException.class);
    }

    @Test
    void eventsUnderTheCapPassAfterManyLargeEvents() {
        String event = "data: " + "z".repeat(50) + "\n\n";
        List<Seen> events = parseWhole(event.repeat(100).getBytes(StandardCharsets.UTF_8), 64);
        assertThat(events).hasSize(100);
    }

    @Test
    void aFinalEventEndedByLoneCarriageReturnsIsDeliveredAtEndOfStream() {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(1024, events::add);
        parser.feed(Buffer.buffer("data: a\r\rdata: [DONE]\r\r"));
        assertThat(events).extracting(SseEvent::data).containsExactly("a");
        parser.finish();
        assertThat(events).extracting(SseEvent::data).containsExactly("a", "[DONE]");
    }

    @Test
    void anEventWithoutItsClosingBlankLineIsDiscardedAtEndOfStream() {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(1024, events::add);
        parser.feed(Buffer.buffer("data: a\n\ndata: cut"));
        parser.finish();
        assertThat(events).extracting(SseEvent::data).containsExactly("a");
    }
}
