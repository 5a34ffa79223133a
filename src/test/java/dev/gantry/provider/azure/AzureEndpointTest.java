package dev.gantry.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig.DeploymentConfig;
import dev.gantry.config.GantryConfig.Price;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AzureEndpointTest {

    private final AzureEndpoint endpoint = new AzureEndpoint();

    private static Deployment deployment(String baseUrl, String model, String apiVersion) {
        DeploymentConfig config = new DeploymentConfig("azure", baseUrl, model, "k", null, null, null, apiVersion,
                null, null, null, null, null, List.of(), null, null, null, null, null, null);
        return new Deployment("azure@x/" + model, "m", ProviderType.AZURE, baseUrl, model, "k", 1, false, Price.FREE, Set.of(), config);
    }

    @Test
    void classicUrlsNameTheDeploymentAndTheApiVersion() {
        Deployment d = deployment("https://res.openai.azure.com", "gpt-4o", "2024-12-01-preview");

        assertThat(endpoint.url(d, "chat/completions"))
                .isEqualTo("https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-12-01-preview");
        assertThat(endpoint.url(d, "embeddings"))
                .isEqualTo("https://res.openai.azure.com/openai/deployments/gpt-4o/embeddings?api-version=2024-12-01-preview");
    }

    @Test
    void aBaseUrlAlreadyEndingInOpenaiIsNotDoubled() {
        Deployment d = deployment("https://res.openai.azure.com/openai", "gpt-4o", null);

        assertThat(endpoint.url(d, "chat/completions"))
                .isEqualTo("https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=" + AzureEndpoint.DEFAULT_API_VERSION);
    }

    @Test
    void aV1BaseUrlTakesOperationsDirectlyAndNoApiVersion() {
        Deployment d = deployment("https://res.openai.azure.com/openai/v1", "gpt-4o", "2024-10-21");

        assertThat(endpoint.url(d, "chat/completions")).isEqualTo("https://res.openai.azure.com/openai/v1/chat/completions");
    }

    @Test
    void aDeploymentNameIsOnePathSegment() {
        Deployment d = deployment("https://res.openai.azure.com", "odd name/x", null);

        assertThat(endpoint.url(d, "chat/completions")).contains("/deployments/odd%20name%2Fx/chat/completions?");
    }

    @Test
    void theKeyGoesInApiKeyAndNeverInAuthorization() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();

        endpoint.authorize(deployment("https://res.openai.azure.com", "gpt-4o", null), headers);

        assertThat(headers.get("api-key")).isEqualTo("k");
        assertThat(headers.contains("authorization")).isFalse();
    }
}
