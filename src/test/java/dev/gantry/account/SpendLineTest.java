package dev.gantry.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpendLineTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "plain", "", "ünïcödé", "日本語のモデル", "llama 🦙 emoji", "quote \" and backslash \\", "new\nline", "cr\r\nlf",
        "tab\tand nul\0", "line separators \u2028\u2029", "lone high \uD83E", "lone low \uDD99 end", "\uDD99\uD83E reversed pair",
        "{\"id\":\"evil\"}\n0badc0de {\"id\":\"injected\"}", "del \u007f and c1 \u0085"
    })
    void anyStringRoundTripsExactlyOnASingleAsciiLine(String odd) throws Exception {
        SpendEvent e = new SpendEvent("id-" + odd, 1L, odd, odd, odd, odd, odd, odd, 1, 2, true, 3);

        byte[] line = encode(e);

        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        for (int i = 0; i < line.length - 1; i++) {
            assertThat(line[i]).as("byte %d of %s", i, new String(line, StandardCharsets.ISO_8859_1)).isBetween((byte) 0x20, (byte) 0x7f);
        }
        assertThat(SpendLine.decode(line, 0, line.length - 1)).isEqualTo(e);
    }

    @Test
    void nullsAndExtremeNumbersRoundTrip() throws Exception {
        SpendEvent max = new SpendEvent("a", Long.MAX_VALUE, null, null, null, null, null, null, Long.MAX_VALUE, Long.MIN_VALUE, false, Long.MAX_VALUE);
        SpendEvent min = new SpendEvent("b", Long.MIN_VALUE, "r", "k", null, "u", "m", null, 0, 0, true, Long.MIN_VALUE);

        for (SpendEvent e : new SpendEvent[] {max, min}) {
            byte[] line = encode(e);
            assertThat(SpendLine.decode(line, 0, line.length - 1)).isEqualTo(e);
        }
    }

    @Test
    void aLineDecodesInsideALargerBuffer() throws Exception {
        LineBuffer buf = new LineBuffer(16);
        SpendEvent first = SpendEvents.event("first");
        SpendEvent second = SpendEvents.event("second", "gpt-4o");
        SpendLine.encode(first, buf);
        int split = buf.size();
        SpendLine.encode(second, buf);

        assertThat(SpendLine.decode(buf.array(), 0, split - 1)).isEqualTo(first);
        assertThat(SpendLine.decode(buf.array(), split, buf.size() - split - 1)).isEqualTo(second);
    }

    @Test
    void anySingleFlippedBitIsDetected() throws Exception {
        byte[] line = encode(SpendEvents.event("flip-me", "mistral"));
        for (int i = 0; i < line.length - 1; i++) {
            for (int bit = 0; bit < 7; bit++) {
                byte[] bad = line.clone();
                bad[i] ^= (byte) (1 << bit);
                if (Character.digit(line[i], 16) >= 0 && Character.digit(bad[i], 16) == Character.digit(line[i], 16)) {
                    continue; // 'a' ↔ 'A' in the checksum: same number, same line
                }
                assertThat(SpendLine.decode(bad, 0, bad.length - 1)).as("byte %d bit %d", i, bit).isNull();
            }
        }
    }

    @Test
    void everyTruncationIsRejected() throws Exception {
        byte[] line = encode(SpendEvents.event("cut", "qwen"));
        for (int len = 0; len < line.length - 1; len++) {
            assertThat(SpendLine.decode(line, 0, len)).as("first %d bytes", len).isNull();
        }
    }

    @Test
    void aValidChecksumOverSomethingElseIsRejected() {
        for (String json : new String[] {"[]", "{}", "{\"id\":\"x\"}", "{\"id\":\"x\",\"ts\":1,\"cost\":\"12\"}",
            "{\"id\":\"x\",\"ts\":1,\"cost\":99999999999999999999}", "{\"id\":\"x\",\"ts\":1,\"cost\":1} trailing", "not json"}) {
            byte[] line = withChecksum(json);
            assertThat(SpendLine.decode(line, 0, line.length)).as(json).isNull();
        }
    }

    @Test
    void unknownFieldsFromANewerWriterAreSkipped() {
        byte[] line = withChecksum("{\"id\":\"x\",\"later\":{\"a\":[1,{\"b\":null}]},\"ts\":5,\"cost\":7,\"est\":true}");

        assertThat(SpendLine.decode(line, 0, line.length))
                .isEqualTo(new SpendEvent("x", 5, null, null, null, null, null, null, 0, 0, true, 7));
    }

    private static byte[] encode(SpendEvent e) throws Exception {
        LineBuffer buf = new LineBuffer(8);
        SpendLine.encode(e, buf);
        return Arrays.copyOf(buf.array(), buf.size());
    }

    private static byte[] withChecksum(String json) {
        byte[] body = json.getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(body);
        return (String.format("%08x ", crc.getValue()) + json).getBytes(StandardCharsets.US_ASCII);
    }
}
