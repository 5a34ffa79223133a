package dev.gantry.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.framing.SseParser;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated Gemini SSE streams, cut into random network reads (also inside multi-byte
 * characters and between {@code \r} and {@code \n}), through the real SseParser and the decoder:
 * what comes out must be exactly what went in, however the bytes were split.
 */
class GeminiStreamSplitTest {

    private static final String[] WORDS = {"Hello", " wörld", " 日本語", " 🌍", " \"quoted\"", " back\\slash", " new\nline", " ", "é"};

    /** What a generated stream should decode to. */
    private record Expected(String text, String reasoning, List<String> callNames, List<JsonNode> callArgs,
                            boolean signed, Usage usage, byte[] wire) {}

    private static Expected generate(Random r) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<JsonNode> args = new ArrayList<>();
        StringBuilder wire = new StringBuilder();
        int events = 1 + r.nextInt(8);
        long prompt = 5 + r.nextInt(50);
        long out = 0;
        boolean signed = false;
        for (int e = 0; e < events; e++) {
            ObjectNode response = Json.MAPPER.createObjectNode();
            ObjectNode candidate = response.putArray("candidates").addObject();
            ArrayNode parts = candidate.putObject("content").put("role", "model").putArray("parts");
            int n = r.nextInt(4);
            for (int p = 0; p < n; p++) {
                int kind = r.nextInt(10);
                if (kind < 6) {
                    String w = WORDS[r.nextInt(WORDS.length)];
                    parts.addObject().put("text", w);
                    text.append(w);
                } else if (kind < 8) {
                    String w = WORDS[r.nextInt(WORDS.length)];
                    parts.addObject().put("text", w).put("thought", true);
                    reasoning.append(w);
                } else {
                    String name = "fn_" + r.nextInt(100);
                    ObjectNode a = Json.MAPPER.createObjectNode().put("city", WORDS[r.nextInt(WORDS.length)]).put("n", r.nextInt());
                    ObjectNode part = parts.addObject();
                    part.putObject("functionCall").put("name", name).set("args", a);
                    if (names.isEmpty() && r.nextBoolean()) {
                        part.put("thoughtSignature", "sig/" + r.nextInt() + "+==");
                        signed = true;
                    }
                    names.add(name);
                    args.add(a);
                }
            }
            candidate.put("index", 0);
            out += n;
            if (e == events - 1) {
                candidate.put("finishReason", "STOP");
            }
            response.putObject("usageMetadata").put("promptTokenCount", prompt).put("candidatesTokenCount", out)
                    .put("totalTokenCount", prompt + out);
            wire.append("data: ").append(response).append(r.nextInt(4) == 0 ? "\n\n" : "\r\n\r\n");
        }
        return new Expected(text.toString(), reasoning.toString(), names, args, signed, new Usage(prompt, out, false),
                wire.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static final class Collected {
        final StringBuilder text = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        final List<ToolCallDelta> calls = new ArrayList<>();
        final List<FinishReason> finishes = new ArrayList<>();
        Usage usage;
    }

    private static Collected run(byte[] wire, Random r, GeminiDecoder decoder) {
        Collected c = new Collected();
        SseParser parser = new SseParser(1 << 20, event -> {
            try {
                ChatChunk chunk = decoder.decode(Json.MAPPER.readTree(event.data()));
                if (chunk == null) {
                    return;
                }
                if (chunk.text() != null) {
                    c.text.append(chunk.text());
                }
                if (chunk.reasoning() != null) {
                    c.reasoning.append(chunk.reasoning());
                }
                c.calls.addAll(chunk.toolCalls());
                if (chunk.finish() != null) {
                    c.finishes.add(chunk.finish());
                }
                if (chunk.usage() != null) {
                    c.usage = chunk.usage();
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        int at = 0;
        while (at < wire.length) {
            int len = Math.min(wire.length - at, 1 + r.nextInt(r.nextBoolean() ? 3 : 64));
            parser.feed(Buffer.buffer().appendBytes(wire, at, len));
            at += len;
        }
        parser.finish();
        return c;
    }

    @Test
    void randomlySplitStreamsDecodeToExactlyWhatWasSent() throws Exception {
        for (int seed = 0; seed < 500; seed++) {
            Random r = new Random(seed);
            Expected expected = generate(r);
            GeminiDecoder decoder = new GeminiDecoder(GeminiDecoderTest.DEPLOYMENT);

            Collected got = run(expected.wire(), r, decoder);

            String at = "seed " + seed;
            assertThat(got.text.toString()).as(at).isEqualTo(expected.text());
            assertThat(got.reasoning.toString()).as(at).isEqualTo(expected.reasoning());
            assertThat(got.calls).as(at).hasSize(expected.callNames().size());
            for (int i = 0; i < got.calls.size(); i++) {
                ToolCallDelta d = got.calls.get(i);
                assertThat(d.index()).as(at).isEqualTo(i);
                assertThat(d.name()).as(at).isEqualTo(expected.callNames().get(i));
                assertThat(Json.MAPPER.readTree(d.argumentsFragment())).as(at).isEqualTo(expected.callArgs().get(i));
                assertThat(d.id()).as(at).startsWith("call_");
            }
            if (expected.signed()) {
                assertThat(GeminiCallIds.parse(got.calls.get(0).id()).signature()).as(at).startsWith("sig/");
            }
            assertThat(got.finishes).as(at).containsExactly(expected.callNames().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS);
            assertThat(got.usage).as(at).isEqualTo(expected.usage());
            assertThat(decoder.isComplete()).as(at).isTrue();
        }
    }

    @Test
    void aStreamCutBeforeItsFinishIsNotComplete() {
        for (int seed = 0; seed < 200; seed++) {
            Random r = new Random(seed);
            byte[] wire = generate(r).wire();
            // Anywhere before the final blank line ("\r\n\r" already ends it: a lone \r is a line end).
            int cut = r.nextInt(wire.length - 1);
            byte[] truncated = java.util.Arrays.copyOf(wire, cut);
            GeminiDecoder decoder = new GeminiDecoder(GeminiDecoderTest.DEPLOYMENT);

            Collected got = run(truncated, r, decoder);

            assertThat(decoder.isComplete()).as("seed " + seed).isFalse();
            assertThat(got.finishes).as("seed " + seed).isEmpty();
        }
    }
}
