package dev.gantry.route;

import dev.gantry.config.GantryConfig.Price;

/**
 * One upstream that serves a public model. {@code id} names it in logs, metrics and headers and
 * never contains the API key; {@code toString} hides the key as well.
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
        Price price) {

    @Override
    public String toString() {
        return "Deployment[" + id + "]";
    }
}
