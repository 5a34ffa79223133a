package dev.gantry.route;

import dev.gantry.config.GantryConfig.DeploymentConfig;
import dev.gantry.config.GantryConfig.Price;
import java.util.Set;

/**
 * One upstream that serves a public model. {@code id} names it in logs, metrics and headers and
 * never contains the API key; {@code toString} hides the key as well. {@code config} carries the
 * provider-specific and routing settings as written (api_version, region, rpm, timeouts...).
 */
public record Deployment(
        String id,
        String publicName,
        ProviderType provider,
        String baseUrl,
        String upstreamModel,
        String apiKey,
        int weight,
        boolean isPrivate,
        Price price,
        Set<String> tags,
        DeploymentConfig config) {

    public Deployment {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    /** A deployment with no extra settings (tests and discovery). */
    public Deployment(String id, String publicName, ProviderType provider, String baseUrl, String upstreamModel,
                      String apiKey, int weight, boolean isPrivate, Price price) {
        this(id, publicName, provider, baseUrl, upstreamModel, apiKey, weight, isPrivate, price, Set.of(),
                DeploymentConfig.of(provider.id(), baseUrl, upstreamModel, apiKey));
    }

    @Override
    public String toString() {
        return "Deployment[" + id + "]";
    }
}
