package dev.gantry.surface.ollama;

import dev.gantry.route.ModelRegistry.ModelInfo;
import java.util.List;

/**
 * Ollama names are {@code name[:tag]} and a missing tag means {@code latest}. Gantry's public
 * names may have no tag at all ({@code gpt-4o}), yet Ollama clients send back the tagged name
 * they saw in {@code /api/tags}; both spellings must reach the same model.
 */
final class OllamaNames {

    private static final String LATEST = ":latest";

    private OllamaNames() {}

    /** {@code name} with {@code :latest} added when it has no tag (a ':' before the last '/' is a host port). */
    static String withTag(String name) {
        int slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) >= 0 ? name : name + LATEST;
    }

    /** The public name Gantry serves {@code requested} under, or null when it serves no such model. */
    static String resolve(String requested, List<ModelInfo> models) {
        String alternative = null;
        String untagged = requested.endsWith(LATEST) ? requested.substring(0, requested.length() - LATEST.length()) : null;
        String latest = withTag(requested).equals(requested) ? null : requested + LATEST;
        for (ModelInfo m : models) {
            String name = m.name();
            if (name.equals(requested)) {
                return name;
            }
            if (name.equals(untagged) || name.equals(latest)) {
                alternative = name;
            }
        }
        return alternative;
    }
}
