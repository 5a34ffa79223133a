package dev.gantry.limits;

/**
 * One set of limits a request counts against: its key, its team or its user. {@code id} is
 * globally unique and stable ("key:&lt;id&gt;", "team:&lt;id&gt;", "user:&lt;id&gt;"); a null limit
 * means unlimited.
 */
public record LimitScope(String id, Long rpm, Long tpm, Integer maxParallel) {

    public boolean unlimited() {
        return rpm == null && tpm == null && maxParallel == null;
    }
}
