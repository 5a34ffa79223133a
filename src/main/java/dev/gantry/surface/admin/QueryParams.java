package dev.gantry.surface.admin;

import dev.gantry.model.GatewayError;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Strict query strings: only known parameters, each at most once. */
final class QueryParams {

    private QueryParams() {}

    static void only(MultiMap query, Set<String> allowed) {
        for (String name : query.names()) {
            if (!allowed.contains(name)) {
                String known = allowed.isEmpty() ? "; this route takes none." : ". Allowed: " + String.join(", ", new TreeSet<>(allowed)) + ".";
                throw GatewayError.badRequest("Unknown query parameter '" + AdminInput.safe(name) + "'" + known,
                        AdminInput.plain(name) ? name : null);
            }
        }
    }

    /** The parameter's single value, or null when absent. */
    static String one(MultiMap query, String name) {
        List<String> values = query.getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw GatewayError.badRequest("Query parameter '" + name + "' is given more than once.", name);
        }
        return values.get(0);
    }

    /** A whole number in min..max, or {@code fallback} when absent. */
    static long number(MultiMap query, String name, long min, long max, long fallback) {
        String v = one(query, name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw GatewayError.badRequest("Query parameter '" + name + "' must be a whole number between " + min + " and " + max + ".", name);
    }
}
