package dev.gantry.model;

/** The kinds of failure every surface knows how to render (DESIGN.md section 7). */
public enum ErrorKind {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    BUDGET_EXCEEDED(402),
    FORBIDDEN(403),
    NOT_FOUND(404),
    BODY_TOO_LARGE(413),
    RATE_LIMITED(429),
    BLOCKED(400),
    UPSTREAM_ERROR(502),
    OVERLOADED(503),
    UPSTREAM_TIMEOUT(504);

    private final int status;

    ErrorKind(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
