package dev.gantry.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.provider.RawSink;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.provider.framing.SseParser;
import io.vertx.core.buffer.Buffer;

/**
 * Relays an Anthropic answer to an Anthropic client without re-encoding it. Stream events go
 * out as the exact bytes they arrived as; only {@code message_start} and {@code message_delta}
 * (small, and the only events with usage) are parsed. An in-band {@code event: error} is not
 * relayed: it becomes {@link RawSink#onError}, so the surface ends the stream its own way.
 */
final class AnthropicRelay {

    private static final int MAX_EVENT = 8 * 1024 * 1024;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;

    private AnthropicRelay() {}

    static void stream(UpstreamResponse response, RawSink sink) {
        String deploymentId = response.deployment().id();
        AnthropicWire.Tokens tokens = new AnthropicWire.Tokens();
        boolean[] stopped = {false};
        SseParser parser = new SseParser(MAX_EVENT, event -> {
            if (stopped[0] || event.data() == null) {
                return;
            }
            String name = event.event() != null ? event.event() : AnthropicWire.parse(event.data(), deploymentId).path("type").asText("");
            switch (name) {
                case "message_start" -> tokens.add(AnthropicWire.parse(event.data(), deploymentId).path("message").get("usage"));
                case "message_delta" -> tokens.add(AnthropicWire.parse(event.data(), deploymentId).get("usage"));
                case "message_stop" -> stopped[0] = true;
                case "error" -> throw AnthropicWire.streamError(errorPayload(event.data()), deploymentId);
                default -> { /* content, ping and newer events pass untouched */ }
            }
            sink.onBytes(event.raw());
        });
        response.readFramed(parser, () -> {
            if (stopped[0]) {
                sink.onEnd(tokens.seen() ? tokens.usage() : Usage.NONE);
            } else {
                sink.onError(AnthropicProvider.truncated(deploymentId));
            }
        }, sink::onError);
    }

    static void whole(UpstreamResponse response, RawSink sink) {
        String deploymentId = response.deployment().id();
        response.body(MAX_RESPONSE).onComplete(ar -> {
            if (ar.failed()) {
                sink.onError(ar.cause() instanceof GatewayError ge ? ge
                        : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deploymentId + " failed while answering."));
                return;
            }
            Buffer whole = ar.result();
            Usage usage = AnthropicWire.scanUsage(whole.getBytes());
            if (usage == null && !isJsonObject(whole)) {
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                        "The upstream " + deploymentId + " sent a response that is not a JSON object."));
                return;
            }
            sink.onBytes(whole);
            sink.onEnd(usage == null ? Usage.NONE : usage);
        });
    }

    /** An error event whose JSON is broken is still an error. */
    private static JsonNode errorPayload(String data) {
        try {
            return Json.MAPPER.readTree(data);
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean isJsonObject(Buffer bytes) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes.getBytes());
            return node != null && node.isObject();
        } catch (Exception e) {
            return false;
        }
    }
}
