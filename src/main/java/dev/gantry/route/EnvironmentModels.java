package dev.gantry.route;

import dev.gantry.config.GantryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zero config for cloud providers: with no models in the config, a provider whose API key is in
 * the usual environment variable is offered with a few of its current models, under their own
 * names. A config that lists any model takes over completely (nothing is added behind its back).
 */
public final class EnvironmentModels {

    private static final Map<String, List<String>> DEFAULTS = Map.of(
            "OPENAI_API_KEY", List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "text-embedding-3-small"),
            "ANTHROPIC_API_KEY", List.of("claude-sonnet-4-5", "claude-haiku-4-5"),
            "GEMINI_API_KEY", List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-embedding-001"));

    private static final Map<String, String> PROVIDERS = Map.of(
            "OPENAI_API_KEY", "openai", "ANTHROPIC_API_KEY", "anthropic", "GEMINI_API_KEY", "gemini");

    private EnvironmentModels() {}

    /** The model entries to serve when the config has none; empty when no provider key is set. */
    public static List<GantryConfig.ModelConfig> from(Map<String, String> env) {
        List<GantryConfig.ModelConfig> models = new ArrayList<>();
        for (String variable : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY")) {
            String key = env.get(variable);
            if (key == null || key.isBlank()) {
                continue;
            }
            for (String model : DEFAULTS.get(variable)) {
                // The key itself is resolved from the environment by the registry, as for any deployment without api_key.
                models.add(new GantryConfig.ModelConfig(model,
                        List.of(GantryConfig.DeploymentConfig.of(PROVIDERS.get(variable), null, model, null)), null));
            }
        }
        return models;
    }
}
