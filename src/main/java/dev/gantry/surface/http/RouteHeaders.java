package dev.gantry.surface.http;

import dev.gantry.pipeline.RouteHints;
import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** Reads the routing hints any surface accepts as headers: {@code x-gantry-tags} and {@code x-gantry-private}. */
public final class RouteHeaders {

    private static final int MAX_TAGS = 32;

    private RouteHeaders() {}

    public static RouteHints hints(MultiMap headers) {
        String tags = headers.get("x-gantry-tags");
        String priv = headers.get("x-gantry-private");
        if (tags == null && priv == null) {
            return RouteHints.NONE;
        }
        boolean privateOnly = priv != null && (priv.equalsIgnoreCase("true") || priv.equals("1") || priv.equalsIgnoreCase("yes"));
        return new RouteHints(splitTags(tags), privateOnly);
    }

    /** Comma-separated tags, trimmed, empty ones dropped, at most {@value #MAX_TAGS}. */
    public static Set<String> splitTags(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : value.split(",")) {
            String tag = t.trim().toLowerCase(Locale.ROOT);
            if (!tag.isEmpty() && out.size() < MAX_TAGS) {
                out.add(tag);
            }
        }
        return out;
    }
}
