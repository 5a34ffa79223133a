package dev.gantry.provider.azure;

import dev.gantry.provider.PathSegments;
import dev.gantry.provider.openai.OpenAiEndpoint;
import dev.gantry.route.Deployment;
import io.vertx.core.MultiMap;

/**
 * Azure OpenAI addresses (PROTOCOLS.md 4.2). A base URL ending in {@code /openai/v1} is the v1
 * API: operations sit right under it and the body's {@code model} names the deployment. Any
 * other base URL is the resource root of the classic API, where the deployment is a path
 * segment and a dated {@code api-version} is mandatory.
 */
final class AzureEndpoint implements OpenAiEndpoint {

    /** The newest GA version when this was written; a deployment's {@code api_version} overrides it. */
    static final String DEFAULT_API_VERSION = "2024-10-21";

    @Override
    public String url(Deployment deployment, String operation) {
        String base = deployment.baseUrl();
        if (base.endsWith("/openai/v1")) {
            return base + "/" + operation;
        }
        String root = base.endsWith("/openai") ? base : base + "/openai";
        String version = deployment.config().apiVersion();
        if (version == null || version.isBlank()) {
            version = DEFAULT_API_VERSION;
        }
        return root + "/deployments/" + PathSegments.encode(deployment.upstreamModel()) + "/" + operation
                + "?api-version=" + PathSegments.encode(version.trim());
    }

    /** Azure keys go in {@code api-key}; sent as a bearer token they would be taken for an Entra token and refused. */
    @Override
    public void authorize(Deployment deployment, MultiMap headers) {
        if (deployment.apiKey() != null && !deployment.apiKey().isEmpty()) {
            headers.add("api-key", deployment.apiKey());
        }
    }

    @Override
    public boolean takesMaxCompletionTokens(Deployment deployment) {
        return true;
    }
}
