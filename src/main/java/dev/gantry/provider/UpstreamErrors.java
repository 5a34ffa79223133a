package dev.gantry.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.route.Deployment;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Maps what an upstream said (status, error body, connection failure) onto a gateway error kind
 * (PROTOCOLS.md section 5.10). Upstream messages are shortened and scrubbed of anything that looks
 * like a credential before a client sees them.
 */
public final class UpstreamErrors {

    private static final Pattern SECRET = Pattern.compile("(sk-[A-Za-z0-9_\\-*]{6,}|Bearer\\s+\\S+|key=[^&\\s\"]+)");
    private static final int MAX_MESSAGE = 400;

    private UpstreamErrors() {}

    public static GatewayError fromStatus(Deployment d, int status, MultiMap headers, Buffer body) {
        GatewayError error = classify(d, status, headers, body);
        if (status == 401 || status == 403 || status == 404) {
            return error.asFailoverOnly();
        }
        boolean retryable = status == 408 || status == 409 || status == 429 || status >= 500
                || error.kind() == ErrorKind.RATE_LIMITED || error.kind() == ErrorKind.OVERLOADED;
        return retryable ? error.asRetryable() : error;
    }

    private static GatewayError classify(Deployment d, int status, MultiMap headers, Buffer body) {
        String upstreamMessage = scrub(extractMessage(body));
        String from = " (from " + d.id() + ")";
        Long retryAfter = retryAfterSeconds(headers);
        GatewayError vendor = VendorErrors.classify(status, headers, body, upstreamMessage, from, retryAfter);
        if (vendor != null) {
            return vendor;
        }
        String lower = upstreamMessage.toLowerCase(Locale.ROOT);
        if (status == 400 && (lower.contains("context") && (lower.contains("length") || lower.contains("window")) || lower.contains("too long"))) {
            return new GatewayError(ErrorKind.BAD_REQUEST, "The prompt is too long for this model: " + upstreamMessage, "messages", "context_length_exceeded", null);
        }
        if (status == 400 && (lower.contains("content policy") || lower.contains("content_policy") || lower.contains("content management policy")
                || lower.contains("safety"))) {
            return new GatewayError(ErrorKind.BAD_REQUEST, "The upstream refused the content: " + upstreamMessage, null, "content_policy_violation", null);
        }
        return switch (status) {
            case 400, 409, 422 -> new GatewayError(ErrorKind.BAD_REQUEST, "The upstream model server rejected the request: " + upstreamMessage, null, null, null);
            case 401, 403 -> new GatewayError(ErrorKind.UPSTREAM_ERROR, "The upstream refused the gateway's credentials" + from + "; this is a gateway configuration problem.", null, "upstream_auth", null);
            case 404 -> new GatewayError(ErrorKind.NOT_FOUND, "The model is not available on its upstream" + from + ": " + upstreamMessage, "model", "model_not_found", null);
            case 408, 504 -> new GatewayError(ErrorKind.UPSTREAM_TIMEOUT, "The upstream timed out" + from + ".", null, null, null);
            case 413 -> new GatewayError(ErrorKind.BODY_TOO_LARGE, "The upstream found the request too large" + from + ".", null, "request_too_large", null);
            case 429 -> new GatewayError(ErrorKind.RATE_LIMITED, "The upstream is rate limiting" + from + ": " + upstreamMessage, null, "rate_limit_exceeded", retryAfter == null ? 1L : retryAfter);
            case 503, 529 -> new GatewayError(ErrorKind.OVERLOADED, "The upstream is overloaded" + from + ": " + upstreamMessage, null, "overloaded", retryAfter == null ? 1L : retryAfter);
            default -> new GatewayError(ErrorKind.UPSTREAM_ERROR, "The upstream failed with status " + status + from + ": " + upstreamMessage, null, null, null);
        };
    }

    /** A failure to talk to the upstream at all, or a break in its response; always worth another attempt. */
    public static GatewayError fromThrowable(Deployment d, Throwable t) {
        if (t instanceof GatewayError ge) {
            return ge;
        }
        return describe(d, t).asRetryable();
    }

    private static GatewayError describe(Deployment d, Throwable t) {
        String from = d.id();
        if (t instanceof TimeoutException || t.getClass().getName().contains("Timeout")) {
            return GatewayError.of(ErrorKind.UPSTREAM_TIMEOUT, "Timed out talking to the upstream " + from + ".");
        }
        if (t instanceof ConnectException) {
            return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Could not connect to the upstream " + from + " (connection refused).");
        }
        if (t instanceof UnknownHostException) {
            return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Could not resolve the upstream host of " + from + ".");
        }
        String name = t.getClass().getSimpleName();
        if (name.contains("Closed") || (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("reset"))) {
            return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + from + " closed the connection unexpectedly.");
        }
        return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Error talking to the upstream " + from + ": " + name);
    }

    /** Reads the human message from any of the error shapes upstreams use. */
    static String extractMessage(Buffer body) {
        if (body == null || body.length() == 0) {
            return "(no message)";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body.getBytes());
            JsonNode error = node.path("error");
            if (error.isTextual()) {
                return error.asText();               // Ollama: {"error":"..."}
            }
            if (error.path("message").isTextual()) {
                return error.path("message").asText(); // OpenAI family: {"error":{"message":...}}
            }
            if (node.path("message").isTextual()) {
                return node.path("message").asText();  // vLLM/Mistral flat shape
            }
        } catch (Exception ignored) {
            // not JSON: fall through to the raw text
        }
        String text = body.toString();
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
    }

    static String scrub(String message) {
        String m = SECRET.matcher(message).replaceAll("[redacted]");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    static Long retryAfterSeconds(MultiMap headers) {
        if (headers == null) {
            return null;
        }
        String ms = headers.get("retry-after-ms");
        try {
            if (ms != null) {
                return Math.max(1, (long) Math.ceil(Double.parseDouble(ms) / 1000));
            }
            String s = headers.get("retry-after");
            if (s != null) {
                return Math.max(1, (long) Math.ceil(Double.parseDouble(s)));
            }
        } catch (NumberFormatException ignored) {
            // an HTTP date: a short default is good enough
            return 1L;
        }
        return null;
    }
}
