package dev.gantry.surface.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Renders gateway errors in OpenAI's shape {@code {"error":{"message","type","param","code"}}} (DESIGN.md section 7). */
public final class OpenAiErrors {

    private OpenAiErrors() {}

    public static Buffer body(GatewayError e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", type(e));
        if (e.param() == null) {
            err.putNull("param");
        } else {
            err.put("param", e.param());
        }
        String code = code(e);
        if (code == null) {
            err.putNull("code");
        } else {
            err.put("code", code);
        }
        return Buffer.buffer(root.toString());
    }

    /** Sends {@code e} as a complete JSON error response, unless the response has already started. */
    public static void send(HttpServerResponse response, GatewayError e) {
        if (response.headWritten() || response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(e.status()).putHeader("content-type", "application/json");
        if (e.retryAfterSeconds() != null) {
            response.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 400 || e.status() == 401 || e.status() == 403 || e.status() == 404 || e.status() == 413) {
            response.putHeader("x-should-retry", "false");
        }
        response.end(body(e));
    }

    static String type(GatewayError e) {
        return switch (e.kind()) {
            case BAD_REQUEST, NOT_FOUND, BODY_TOO_LARGE, BLOCKED -> "invalid_request_error";
            case UNAUTHORIZED -> "authentication_error";
            case FORBIDDEN -> "permission_error";
            case RATE_LIMITED -> "rate_limit_error";
            case BUDGET_EXCEEDED -> "budget_exceeded";
            case UPSTREAM_ERROR -> "upstream_error";
            case UPSTREAM_TIMEOUT -> "timeout";
            case OVERLOADED -> "overloaded";
        };
    }

    static String code(GatewayError e) {
        if (e.code() != null) {
            return e.code();
        }
        return switch (e.kind()) {
            case UNAUTHORIZED -> "invalid_api_key";
            case FORBIDDEN -> "model_not_allowed";
            case NOT_FOUND -> "model_not_found";
            case BODY_TOO_LARGE -> "request_too_large";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case BUDGET_EXCEEDED -> "budget_exceeded";
            case BLOCKED -> "content_blocked";
            default -> null;
        };
    }
}
