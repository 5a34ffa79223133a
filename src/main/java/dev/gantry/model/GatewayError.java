package dev.gantry.model;

/**
 * A failure with a kind each surface can render in its own error shape. The message is shown to
 * the client, so it must say what went wrong and never contain a secret. {@code param} names the
 * offending request field, {@code code} is the machine-readable code (OpenAI's {@code error.code}).
 */
public final class GatewayError extends RuntimeException {

    private final ErrorKind kind;
    private final String param;
    private final String code;
    private final Long retryAfterSeconds;
    private final boolean retryable;
    private final boolean failoverOnly;

    public GatewayError(ErrorKind kind, String message, String param, String code, Long retryAfterSeconds) {
        this(kind, message, param, code, retryAfterSeconds, false);
    }

    public GatewayError(ErrorKind kind, String message, String param, String code, Long retryAfterSeconds, boolean retryable) {
        this(kind, message, param, code, retryAfterSeconds, retryable, false);
    }

    private GatewayError(ErrorKind kind, String message, String param, String code, Long retryAfterSeconds, boolean retryable,
                         boolean failoverOnly) {
        super(message, null, false, false);
        this.kind = kind;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
        this.retryable = retryable;
        this.failoverOnly = failoverOnly;
    }

    /** The same error, marked as one another attempt (same or another deployment) may not hit. */
    public GatewayError asRetryable() {
        return retryable && !failoverOnly ? this : new GatewayError(kind, getMessage(), param, code, retryAfterSeconds, true, false);
    }

    /**
     * The same error, marked as worth trying on <em>another</em> deployment only: the deployment's
     * key was refused or it lacks the model, and asking it again would get the same answer.
     */
    public GatewayError asFailoverOnly() {
        return new GatewayError(kind, getMessage(), param, code, retryAfterSeconds, true, true);
    }

    /** True when only another deployment may succeed (see {@link #asFailoverOnly}). */
    public boolean failoverOnly() {
        return failoverOnly;
    }

    /**
     * True for failures of one upstream that say nothing about the request itself: connection
     * errors, timeouts before the first byte, 408/409/429/5xx/529, and a deployment that lost its
     * model or its credentials. The router moves such a request on; others reach the client.
     */
    public boolean retryable() {
        return retryable;
    }

    public static GatewayError badRequest(String message, String param) {
        return new GatewayError(ErrorKind.BAD_REQUEST, message, param, null, null);
    }

    public static GatewayError of(ErrorKind kind, String message) {
        return new GatewayError(kind, message, null, null, null);
    }

    public static GatewayError of(ErrorKind kind, String message, String code) {
        return new GatewayError(kind, message, null, code, null);
    }

    /** Client-supplied text as it may appear in an error message: shortened, so errors never echo megabytes back. */
    public static String quote(String clientText) {
        if (clientText == null) {
            return "";
        }
        return clientText.length() <= 120 ? clientText : clientText.substring(0, 120) + "...";
    }

    public ErrorKind kind() {
        return kind;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return kind.status();
    }
}
