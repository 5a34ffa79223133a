package dev.gantry.pipeline;

import java.util.Set;

/**
 * What a request asks of routing: only deployments carrying all of {@code tags}, and, when
 * {@code privateOnly}, only deployments marked {@code private: true} (local models).
 */
public record RouteHints(Set<String> tags, boolean privateOnly) {

    public static final RouteHints NONE = new RouteHints(Set.of(), false);

    public RouteHints {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    public RouteHints withPrivate() {
        return privateOnly ? this : new RouteHints(tags, true);
    }

    public RouteHints withTags(Set<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        java.util.Set<String> all = new java.util.HashSet<>(tags);
        all.addAll(more);
        return new RouteHints(all, privateOnly);
    }
}
