package dev.gantry.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentModelsTest {

    @Test
    void withoutConfigAProviderKeyInTheEnvironmentOffersItsModels() {
        ModelRegistry registry = new ModelRegistry(GantryConfig.empty(), UpstreamUrls.DEFAULT_OLLAMA,
                Map.of("ANTHROPIC_API_KEY", "sk-ant-env", "OPENAI_API_KEY", " "));

        Deployment claude = registry.resolve("claude-sonnet-4-5").get(0);
        assertThat(claude.provider()).isEqualTo(ProviderType.ANTHROPIC);
        assertThat(claude.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(claude.apiKey()).isEqualTo("sk-ant-env");
        assertThat(claude.price().input()).as("priced from the built-in table").isPositive();
        assertThat(claude.isPrivate()).isFalse();
        assertThat(registry.resolve("gpt-4o-mini")).as("a blank key offers nothing").isEmpty();
    }

    @Test
    void aConfigWithModelsTakesOverCompletely() {
        GantryConfig config = new ConfigLoader(Map.of()).parse("""
                models:
                  - name: local
                    deployments: [{ provider: ollama, model: llama3 }]
                """, "t.yaml");
        ModelRegistry registry = new ModelRegistry(config, UpstreamUrls.DEFAULT_OLLAMA, Map.of("OPENAI_API_KEY", "sk-env"));
        assertThat(registry.resolve("gpt-4o-mini")).isEmpty();
        assertThat(registry.resolve("local")).hasSize(1);
    }
}
