package dev.gantry.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.provider.framing.LineSplitter;
import io.vertx.core.buffer.Buffer;

/**
 * Ollama client → Ollama node without translation. Streams go line by line, each line's bytes
 * unchanged; only the final line is parsed (for usage), and an in-band {@code {"error"}} line
 * becomes the sink's error. A non-streaming client still gets a streamed upstream call (so a hung
 * node is noticed between tokens, as on the translated path), folded here into the one object
 * Ollama itself would have answered: the final line with the whole message in it.
 */
final class OllamaRelay {

    private static final int MAX_LINE = 8 * 1024 * 1024;
    private static final int MAX_AGGREGATE = 64 * 1024 * 1024;

    private OllamaRelay() {}

    static void stream(UpstreamResponse response, RawSink sink) {
        boolean[] done = {false};
        Usage[] usage = {null};
        LineSplitter lines = new LineSplitter(MAX_LINE, line -> {
            if (done[0]) {
                return; // Ollama sends nothing after the final object; ignore anything that does
            }
            OllamaLineScan scan = OllamaLineScan.of(line.getBytes());
            if (scan.error() != null) {
                throw midStream(scan.error());
            }
            if (scan.done()) {
                done[0] = true;
                usage[0] = scan.usage();
            }
            sink.onBytes(Buffer.buffer(line.length() + 1).appendBuffer(line).appendByte((byte) '\n'));
        });
        response.readFramed(lines, () -> {
            if (done[0]) {
                sink.onEnd(usage[0]);
            } else {
                sink.onError(truncated(response));
            }
        }, sink::onError);
    }

    static void aggregate(UpstreamResponse response, RawSink sink) {
        Aggregate agg = new Aggregate();
        LineSplitter lines = new LineSplitter(MAX_LINE, line -> {
            if (agg.last == null) {
                agg.add(line);
            }
        });
        response.readFramed(lines, () -> {
            if (agg.last == null) {
                sink.onError(truncated(response));
                return;
            }
            sink.onBytes(Buffer.buffer(agg.result().toString()));
            sink.onEnd(new Usage(agg.last.path("prompt_eval_count").asLong(0), agg.last.path("eval_count").asLong(0), false));
        }, sink::onError);
    }

    /** The message parts of every line, concatenated as Ollama does for {@code stream:false}. */
    private static final class Aggregate {
        final StringBuilder content = new StringBuilder();
        StringBuilder thinking;
        ArrayNode toolCalls;
        String role;
        ObjectNode last;
        long bytes;

        void add(Buffer line) {
            bytes += line.length();
            if (bytes > MAX_AGGREGATE) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream answer is larger than " + MAX_AGGREGATE + " bytes.");
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(line.getBytes());
            } catch (Exception e) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a stream line that is not JSON.");
            }
            if (!(node instanceof ObjectNode object)) {
                throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream sent a stream line that is not a JSON object.");
            }
            JsonNode error = object.get("error");
            if (error != null && !error.isNull()) {
                throw midStream(error.isTextual() ? error.asText() : error.toString());
            }
            JsonNode message = object.path("message");
            if (message.path("role").isTextual()) {
                role = message.get("role").asText();
            }
            if (message.path("content").isTextual()) {
                content.append(message.get("content").asText());
            }
            if (message.path("thinking").isTextual()) {
                (thinking == null ? thinking = new StringBuilder() : thinking).append(message.get("thinking").asText());
            }
            if (message.path("tool_calls").isArray()) {
                (toolCalls == null ? toolCalls = Json.MAPPER.createArrayNode() : toolCalls).addAll((ArrayNode) message.get("tool_calls"));
            }
            if (object.path("done").asBoolean(false)) {
                last = object;
            }
        }

        ObjectNode result() {
            ObjectNode message = Json.MAPPER.createObjectNode();
            message.put("role", role == null ? "assistant" : role);
            message.put("content", content.toString());
            if (thinking != null) {
                message.put("thinking", thinking.toString());
            }
            if (toolCalls != null) {
                message.set("tool_calls", toolCalls);
            }
            last.set("message", message); // keeps the field where Ollama puts it: after created_at
            return last;
        }
    }

    private static GatewayError midStream(String upstreamMessage) {
        return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream failed mid-stream: " + upstreamMessage);
    }

    private static GatewayError truncated(UpstreamResponse response) {
        return GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                "The upstream " + response.deployment().id() + " ended the stream before it was done.");
    }
}
