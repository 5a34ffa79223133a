package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders gateway errors in the Anthropic shape
 * {@code {"type":"error","error":{"type","message"},"request_id"}} with the status and error type
 * DESIGN.md section 7 gives each kind. The SDKs pick their exception class by status.
 */
public final class AnthropicErrors {

    private AnthropicErrors() {}

    public static String type(GatewayError e) {
        return switch (e.kind()) {
            case BAD_REQUEST, BLOCKED -> "invalid_request_error";
            case UNAUTHORIZED -> "authentication_error";
            case BUDGET_EXCEEDED -> "billing_error";
            case FORBIDDEN -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case BODY_TOO_LARGE -> "request_too_large";
            case RATE_LIMITED -> "rate_limit_error";
            // DESIGN section 7 maps timeouts to api_error too; SDKs decide on the 504 status anyway.
            case UPSTREAM_ERROR, UPSTREAM_TIMEOUT -> "api_error";
            case OVERLOADED -> "overloaded_error";
        };
    }

    /** The error object; {@code requestId} may be null. */
    public static Buffer body(GatewayError e, String requestId) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", type(e));
            g.writeStringField("message", e.getMessage());
            g.writeEndObject();
            if (requestId != null) {
                g.writeStringField("request_id", requestId);
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return Buffer.buffer(out.toByteArray());
    }

    /** Sends {@code e} as a whole JSON error response, unless the response has already started. */
    public static void send(HttpServerResponse response, GatewayError e, String requestId) {
        send(response, e, requestId, e.status());
    }

    /** As {@link #send(HttpServerResponse, GatewayError, String)} with a status other than the kind's (500 for Gantry's own bugs). */
    public static void send(HttpServerResponse response, GatewayError e, String requestId, int status) {
        if (response.headWritten() || response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("content-type", "application/json");
        if (e.retryAfterSeconds() != null) {
            response.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
        }
        int s = status;
        if (s == 400 || s == 401 || s == 402 || s == 403 || s == 404 || s == 413) {
            // Stainless SDKs obey this before looking at the status: these will not get better on retry.
            response.putHeader("x-should-retry", "false");
        }
        response.end(body(e, requestId));
    }
}
