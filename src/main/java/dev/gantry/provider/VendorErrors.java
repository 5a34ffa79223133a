package dev.gantry.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Error signals of one vendor that the status alone does not tell (PROTOCOLS.md 4.2, 4.5):
 * AWS names its exception in {@code x-amzn-ErrorType} (a 400 may be a quota, a 429 a cold
 * model), and Azure's content filter rejects a prompt with a 400 whose {@code code} is
 * {@code content_filter}.
 */
final class VendorErrors {

    private VendorErrors() {}

    /** @return the vendor-specific error, or null when the generic status mapping applies */
    static GatewayError classify(int status, MultiMap headers, Buffer body, String message, String from, Long retryAfter) {
        String aws = awsErrorType(headers, body);
        if (aws != null) {
            switch (aws) {
                case "ServiceQuotaExceededException", "ThrottlingException" -> {
                    return new GatewayError(ErrorKind.RATE_LIMITED, "The upstream is rate limiting" + from + ": " + message,
                            null, "rate_limit_exceeded", retryAfter == null ? 1L : retryAfter);
                }
                case "ModelNotReadyException", "ServiceUnavailableException" -> {
                    return new GatewayError(ErrorKind.OVERLOADED, "The upstream is overloaded" + from + ": " + message,
                            null, "overloaded", retryAfter == null ? 1L : retryAfter);
                }
                case "ResourceNotFoundException" -> {
                    // The model id is wrong or not enabled for the account: the gateway's configuration, not the client's request.
                    return new GatewayError(ErrorKind.UPSTREAM_ERROR, "The upstream does not offer the configured model" + from
                            + ": " + message, null, null, null);
                }
                case "ModelTimeoutException" -> {
                    return new GatewayError(ErrorKind.UPSTREAM_TIMEOUT, "The upstream model timed out" + from + ".", null, null, null);
                }
                default -> { /* the status says enough */ }
            }
        }
        if (status == 400 && "content_filter".equals(errorCode(body))) {
            return new GatewayError(ErrorKind.BLOCKED, "The upstream's content filter blocked the prompt: " + message,
                    null, "content_filter", null);
        }
        return null;
    }

    /** {@code ThrottlingException} from {@code ThrottlingException:http://...} or a body's {@code __type} ({@code ns#Name}). */
    static String awsErrorType(MultiMap headers, Buffer body) {
        String type = headers == null ? null : headers.get("x-amzn-errortype");
        if (type == null && body != null && body.length() > 0 && body.getByte(0) == '{') {
            JsonNode node = parse(body);
            type = node == null ? null : node.path("__type").asText(null);
        }
        if (type == null || type.isBlank()) {
            return null;
        }
        int colon = type.indexOf(':');
        if (colon >= 0) {
            type = type.substring(0, colon);
        }
        int hash = type.lastIndexOf('#');
        return hash >= 0 ? type.substring(hash + 1).trim() : type.trim();
    }

    private static String errorCode(Buffer body) {
        JsonNode node = parse(body);
        return node == null ? null : node.path("error").path("code").asText(null);
    }

    private static JsonNode parse(Buffer body) {
        try {
            return body == null || body.length() == 0 ? null : Json.MAPPER.readTree(body.getBytes());
        } catch (Exception e) {
            return null;
        }
    }
}
