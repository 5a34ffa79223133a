package dev.gantry.provider.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private static final String NDJSON =
            "{\"message\":{\"content\":\"héllo €\"},\"done\":false}\n"
            + "{\"message\":{\"content\":\"𝄞 日本語\"},\"done\":false}\r\n"
            + "\n"
            + "\r\n"
            + "{\"done\":true,\"eval_count\":3}\n"
            + "{\"tail\":\"no newline ü\"}";

    private static List<String> split(byte[] bytes, int max, Random random, int maxChunk) {
        List<String> out = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(max, line -> out.add(line.toString(StandardCharsets.UTF_8)));
        int pos = 0;
        while (pos < bytes.length) {
            int n = random == null ? bytes.length : Math.min(bytes.length - pos, 1 + random.nextInt(maxChunk));
            splitter.feed(Buffer.buffer(Arrays.copyOfRange(bytes, pos, pos + n)));
            pos += n;
        }
        splitter.finish();
        return out;
    }

    @Test
    void wholeStreamSplitsIntoLinesWithoutTerminatorsOrEmptyLines() {
        assertThat(split(NDJSON.getBytes(StandardCharsets.UTF_8), 1024, null, 0)).containsExactly(
                "{\"message\":{\"content\":\"héllo €\"},\"done\":false}",
                "{\"message\":{\"content\":\"𝄞 日本語\"},\"done\":false}",
                "{\"done\":true,\"eval_count\":3}",
                "{\"tail\":\"no newline ü\"}");
    }

    @Test
    void anyChunkingOfTheSameBytesYieldsIdenticalLines() {
        byte[] bytes = NDJSON.getBytes(StandardCharsets.UTF_8);
        List<String> expected = split(bytes, 1024, null, 0);
        Random random = new Random(4242L);
        for (int round = 0; round < 500; round++) {
            int maxChunk = round % 3 == 0 ? 2 : 1 + random.nextInt(20);
            assertThat(split(bytes, 1024, random, maxChunk)).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void everySingleSplitPointYieldsIdenticalLines() {
        byte[] bytes = NDJSON.getBytes(StandardCharsets.UTF_8);
        List<String> expected = split(bytes, 1024, null, 0);
        for (int cut = 1; cut < bytes.length; cut++) {
            List<String> out = new ArrayList<>();
            LineSplitter splitter = new LineSplitter(1024, line -> out.add(line.toString(StandardCharsets.UTF_8)));
            splitter.feed(Buffer.buffer(Arrays.copyOfRange(bytes, 0, cut)));
            splitter.feed(Buffer.buffer(Arrays.copyOfRange(bytes, cut, bytes.length)));
            splitter.finish();
            assertThat(out).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void aPartialLineWaitsForTheNextRead() {
        List<String> out = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(1024, line -> out.add(line.toString()));
        splitter.feed(Buffer.buffer("{\"a\":"));
        assertThat(out).isEmpty();
        splitter.feed(Buffer.buffer("1}\r"));
        assertThat(out).isEmpty();
        splitter.feed(Buffer.buffer("\n{\"b\""));
        assertThat(out).containsExactly("{\"a\":1}");
    }

    @Test
    void finishEmitsAnUnterminatedLastLineOnce() {
        List<String> out = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(1024, line -> out.add(line.toString()));
        splitter.feed(Buffer.buffer("{\"a\":1}\n{\"b\":2}"));
        assertThat(out).containsExactly("{\"a\":1}");
        splitter.finish();
        assertThat(out).containsExactly("{\"a\":1}", "{\"b\":2}");
        splitter.finish();
        assertThat(out).hasSize(2);
    }

    @Test
    void finishAfterATerminatedLineEmitsNothing() {
        List<String> out = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(1024, line -> out.add(line.toString()));
        splitter.feed(Buffer.buffer("{\"a\":1}\n"));
        splitter.finish();
        assertThat(out).containsExactly("{\"a\":1}");
    }

    @Test
    void aLoneCarriageReturnLineIsSkippedLikeAnEmptyLine() {
        List<String> out = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(1024, line -> out.add(line.toString()));
        splitter.feed(Buffer.buffer("\r\n\n\r\n{}\n"));
        assertThat(out).containsExactly("{}");
    }

    @Test
    void anUnterminatedLineLongerThanTheCapFails() {
        LineSplitter splitter = new LineSplitter(16, line -> {});
        splitter.feed(Buffer.buffer("0123456789"));
        assertThatThrownBy(() -> splitter.feed(Buffer.buffer("0123456789")))
                .isInstanceOf(FramingException.class)
                .hasMessageContaining("16");
    }

    @Test
    void aLineLongerThanTheCapFailsEvenWhenItArrivesWholeInOneRead() {
        List<String> out = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(16, line -> out.add(line.toString()));
        assertThatThrownBy(() -> splitter.feed(Buffer.buffer("{\"x\":\"" + "a".repeat(40) + "\"}\n")))
                .isInstanceOf(FramingException.class);
        assertThat(out).isEmpty();
    }

    @Test
    void linesUpToTheCapPassInAnyChunking() {
        String line = "a".repeat(16);
        byte[] bytes = (line + "\n").repeat(10).getBytes(StandardCharsets.UTF_8);
        Random random = new Random(99L);
        for (int round = 0; round < 50; round++) {
            assertThat(split(bytes, 16, random, 1 + random.nextInt(40))).hasSize(10).containsOnly(line);
        }
    }
}
