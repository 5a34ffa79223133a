package dev.gantry.surface.ollama;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Ollama's error shape {@code {"error":"message"}} with the statuses of DESIGN.md section 7. An
 * unknown model reads as Ollama words it, so clients that look for "not found" (to offer a pull,
 * for instance) still recognise it.
 */
final class OllamaErrors {

    /** Which of Ollama's wordings for an unknown model applies (PROTOCOLS.md 3.6). */
    enum Endpoint { CHAT, EMBED, SHOW }

    private OllamaErrors() {}

    static Buffer body(String message) {
        return OllamaJson.object(g -> g.writeStringField("error", message), false);
    }

    /** Sends {@code e} as a complete response, unless the response has already started. */
    static void send(HttpServerResponse response, GatewayError e) {
        if (response.headWritten() || response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(e.status()).putHeader("content-type", "application/json; charset=utf-8");
        if (e.retryAfterSeconds() != null) {
            response.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
        }
        response.end(body(e.getMessage()));
    }

    static GatewayError unknownModel(String model, Endpoint endpoint) {
        String quoted = GatewayError.quote(model);
        String message = switch (endpoint) {
            case CHAT -> "model '" + quoted + "' not found";
            case EMBED -> "model \"" + quoted + "\" not found, try pulling it first";
            case SHOW -> "model '" + OllamaNames.withTag(quoted) + "' not found";
        };
        return new GatewayError(ErrorKind.NOT_FOUND, message, "model", "model_not_found", null);
    }

    /** Rewrites "this model is unknown" (from routing or an upstream 404) into Ollama's words; other errors pass. */
    static GatewayError forModel(Throwable t, String model, Endpoint endpoint) {
        GatewayError e = t instanceof GatewayError ge ? ge : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream call failed.");
        if (e.kind() == ErrorKind.NOT_FOUND && "model".equals(e.param())) {
            return unknownModel(model, endpoint);
        }
        return e;
    }
}
