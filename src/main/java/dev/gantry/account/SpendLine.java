package dev.gantry.account;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * One spooled event as one line of plain ASCII: {@code <crc32c, 8 hex digits> <json>\n}.
 *
 * <p>Every character below a space or above ASCII is written as a {@code \\uXXXX} escape, so a line
 * never holds a raw newline whatever a model name contains, and every Java string (an unpaired
 * surrogate included) comes back exactly. The checksum covers the JSON. A line that fails it is
 * never decoded; a last line without its newline (a write cut short by a crash) is never even
 * looked at, see {@link SpendSpool}.
 *
 * <p>Field names are short (the spool may hold millions of lines during an outage) and documented
 * in docs/spend.md; unknown fields are skipped so a newer writer's lines stay readable.
 */
final class SpendLine {

    /** Length of the {@code <crc> } prefix. */
    static final int PREFIX = 9;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PLACEHOLDER = "00000000 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private SpendLine() {
    }

    /** Appends the event's line, newline included, to {@code out}. */
    static void encode(SpendEvent e, LineBuffer out) throws IOException {
        int start = out.size();
        out.write(PLACEHOLDER, 0, PLACEHOLDER.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", e.id());
            g.writeNumberField("ts", e.timestampMillis());
            g.writeStringField("req", e.requestId());
            g.writeStringField("key", e.keyId());
            g.writeStringField("team", e.teamId());
            g.writeStringField("user", e.userId());
            g.writeStringField("model", e.model());
            g.writeStringField("dep", e.deployment());
            g.writeNumberField("in", e.inputTokens());
            g.writeNumberField("out", e.outputTokens());
            g.writeBooleanField("est", e.estimated());
            g.writeNumberField("cost", e.costNanos());
            g.writeEndObject();
        }
        int json = start + PREFIX;
        int crc = crc(out.array(), json, out.size() - json);
        byte[] b = out.array();
        for (int i = 7; i >= 0; i--) {
            b[start + i] = HEX[crc & 0xf];
            crc >>>= 4;
        }
        out.write('\n');
    }

    /**
     * Decodes one line (without its newline).
     *
     * @return the event, or {@code null} when the line is not a valid record (wrong checksum,
     *     cut short, not our JSON)
     */
    static SpendEvent decode(byte[] b, int off, int len) {
        if (len < PREFIX + 2 || b[off + PREFIX - 1] != ' ') {
            return null;
        }
        long expected = 0;
        for (int i = 0; i < 8; i++) {
            int digit = Character.digit(b[off + i], 16);
            if (digit < 0) {
                return null;
            }
            expected = (expected << 4) | digit;
        }
        if (crc(b, off + PREFIX, len - PREFIX) != (int) expected) {
            return null;
        }
        try {
            return parse(b, off + PREFIX, len - PREFIX);
        } catch (IOException | RuntimeException notOurs) {
            return null;
        }
    }

    private static SpendEvent parse(byte[] b, int off, int len) throws IOException {
        String id = null;
        String req = null;
        String key = null;
        String team = null;
        String user = null;
        String model = null;
        String dep = null;
        long ts = 0;
        long in = 0;
        long out = 0;
        long cost = 0;
        boolean est = false;
        boolean hasTs = false;
        boolean hasCost = false;
        try (JsonParser p = JSON.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = text(p, value);
                    case "req" -> req = text(p, value);
                    case "key" -> key = text(p, value);
                    case "team" -> team = text(p, value);
                    case "user" -> user = text(p, value);
                    case "model" -> model = text(p, value);
                    case "dep" -> dep = text(p, value);
                    case "ts" -> { ts = number(p, value); hasTs = true; }
                    case "in" -> in = number(p, value);
                    case "out" -> out = number(p, value);
                    case "cost" -> { cost = number(p, value); hasCost = true; }
                    case "est" -> est = value == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        }
        if (id == null || !hasTs || !hasCost) {
            return null;
        }
        return new SpendEvent(id, ts, req, key, team, user, model, dep, in, out, est, cost);
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("expected a string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("expected an integer");
        }
        return p.getLongValue();
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }
}
