package dev.gantry.limits;

import dev.gantry.model.ErrorKind;

/** Why a request was not admitted, and the error kind (so the status) the caller answers with. */
public enum Refusal {
    /** A requests, tokens or parallel limit is reached: 429 with Retry-After. */
    RATE(ErrorKind.RATE_LIMITED),
    /** A budget is spent (or fully reserved): 402, clients must not retry. */
    BUDGET(ErrorKind.BUDGET_EXCEEDED),
    /** Limits cannot be checked (shared state down and fail-closed, or a budget could not be loaded): 503. */
    UNAVAILABLE(ErrorKind.OVERLOADED);

    private final ErrorKind kind;

    Refusal(ErrorKind kind) {
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
