package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final String EXAMPLE = """
            discovery:
              ollama:
                - gpu-1
                - http://gpu-2:11434
              interval: 5s
            models:
              - name: llama3
                deployments:
                  - provider: ollama
                    base_url: http://gpu-1:11434
                    model: llama3:8b
                    weight: 3
                  - provider: ollama
                    base_url: http://gpu-2:11434
                    model: llama3:8b
                    weight: 1
              - name: gpt-4o-mini
                deployments:
                  - provider: openai
                    base_url: https://api.openai.com/v1
                    model: gpt-4o-mini
                    api_key: ${OPENAI_API_KEY}
                    private: false
                    price:
                      input: 0.15
                      output: 0.6
            """;

    private static GantryConfig parse(String yaml, Map<String, String> env) {
        return new ConfigLoader(env).parse(yaml, "gantry.yaml");
    }

    private static GantryConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    @Test
    void theIssueExampleParsesIntoDiscoveryModelsAndDeployments() {
        GantryConfig config = parse(EXAMPLE, Map.of("OPENAI_API_KEY", "sk-test-123456"));

        assertThat(config.discovery().ollama()).containsExactly("gpu-1", "http://gpu-2:11434");
        assertThat(config.discovery().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.discovery().enabled()).isTrue();
        assertThat(config.models()).extracting(GantryConfig.ModelConfig::name).containsExactly("llama3", "gpt-4o-mini");

        GantryConfig.DeploymentConfig first = config.models().get(0).deployments().get(0);
        assertThat(first.provider()).isEqualTo("ollama");
        assertThat(first.baseUrl()).isEqualTo("http://gpu-1:11434");
        assertThat(first.model()).isEqualTo("llama3:8b");
        assertThat(first.weight()).isEqualTo(3);
        assertThat(first.isPrivate()).as("ollama deployments default to private").isTrue();
        assertThat(first.apiKey()).isNull();
        assertThat(first.price()).as("unset: the registry applies the price table").isNull();
        assertThat(config.models().get(0).deployments().get(1).weight()).isEqualTo(1);

        GantryConfig.DeploymentConfig openai = config.models().get(1).deployments().get(0);
        assertThat(openai.provider()).isEqualTo("openai");
        assertThat(openai.apiKey()).isEqualTo("sk-test-123456");
        assertThat(openai.isPrivate()).isFalse();
        assertThat(openai.weight()).as("weight defaults to 1").isEqualTo(1);
        assertThat(openai.price()).isEqualTo(new GantryConfig.Price(0.15, 0.6));
    }

    @Test
    void privateDefaultsToFalseForOpenAiAndCanBeSetTrue() {
        GantryConfig config = parse("""
                models:
                  - name: a
                    deployments:
                      - provider: openai
                        model: x
                  - name: b
                    deployments:
                      - provider: openai
                        model: x
                        private: true
                """);
        assertThat(config.models().get(0).deployments().get(0).isPrivate()).isFalse();
        assertThat(config.models().get(1).deployments().get(0).isPrivate()).isTrue();
    }

    @Test
    void anEmptyFileGivesAllDefaults() {
        for (String empty : List.of("", "   \n\n", "# only a comment\n")) {
            GantryConfig config = parse(empty);
            assertThat(config.models()).isEmpty();
            assertThat(config.discovery().ollama()).isNull();
            assertThat(config.discovery().interval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.discovery().enabled()).isTrue();
            assertThat(config.limits().maxBody()).isEqualTo(16L * 1024 * 1024);
            assertThat(config.limits().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(config.routing().timeout()).isEqualTo(Duration.ofMinutes(10));
            assertThat(config.routing().firstByteTimeout()).isEqualTo(Duration.ofMinutes(2));
            assertThat(config.routing().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void limitsAndRoutingAcceptHumanUnits() {
        GantryConfig config = parse("""
                limits:
                  max_body: 1KiB
                  drain_timeout: 250ms
                routing:
                  timeout: 2m
                  first_byte_timeout: 1h
                  connect_timeout: 3
                """);
        assertThat(config.limits().maxBody()).isEqualTo(1024L);
        assertThat(config.limits().drainTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.routing().timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.routing().firstByteTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(config.routing().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void maxBodyAcceptsABareNumberOfBytes() {
        assertThat(parse("limits:\n  max_body: 2048\n").limits().maxBody()).isEqualTo(2048L);
        assertThat(parse("limits:\n  max_body: 16MiB\n").limits().maxBody()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void anUnknownTopLevelKeyNamesItsLineAndTheKey() {
        String yaml = """
                discovery:
                  interval: 5s
                modles:
                  - name: x
                """;
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gantry.yaml")
                .hasMessageContaining("line 3")
                .hasMessageContaining("'modles'");
    }

    @Test
    void anUnknownKeyInADeploymentNamesItsLineAndTheKey() {
        String yaml = """
                models:
                  - name: llama3
                    deployments:
                      - provider: ollama
                        model: llama3
                        wieght: 2
                """;
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 6")
                .hasMessageContaining("'wieght'");
    }

    @Test
    void anUnknownKeyInALaterDeploymentNamesItsOwnLine() {
        String yaml = """
                models:
                  - name: a
                    deployments:
                      - provider: ollama
                        model: a
                  - name: b
                    deployments:
                      - provider: ollama
                        model: b
                      - provider: openai
                        model: b
                        price:
                          input: 1
                          outptu: 2
                        weight: 2
                """;
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 14:")
                .hasMessageContaining("'outptu'");
    }

    @Test
    void anUnknownKeyInDiscoveryNamesItsLineAndTheKey() {
        assertThatThrownBy(() -> parse("discovery:\n  intervall: 5s\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("'intervall'");
    }

    @Test
    void aWrongTypeNamesItsLine() {
        String yaml = """
                models:
                  - name: llama3
                    deployments:
                      - provider: ollama
                        model: llama3
                        weight: "x"
                """;
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 6");
    }

    @Test
    void aMalformedDurationNamesItsLine() {
        assertThatThrownBy(() -> parse("discovery:\n  enabled: true\n  interval: soon\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("soon");
    }

    @Test
    void aMissingEnvironmentVariableNamesItsLineAndTheVariable() {
        assertThatThrownBy(() -> parse(EXAMPLE, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gantry.yaml line 22")
                .hasMessageContaining("OPENAI_API_KEY");
    }

    @Test
    void aCommentedOutLineMayNameAnUnsetVariable() {
        String yaml = """
                models:
                  - name: m
                    deployments:
                      - provider: openai
                        model: m
                        # api_key: ${NOT_SET_ANYWHERE}
                        api_key: ${KEY}
                """;
        assertThat(parse(yaml, Map.of("KEY", "sk-k")).models().get(0).deployments().get(0).apiKey()).isEqualTo("sk-k");
    }

    @Test
    void aVariableWithADefaultUsesTheDefaultOnlyWhenUnset() {
        String yaml = """
                models:
                  - name: m
                    deployments:
                      - provider: openai
                        model: m
                        api_key: ${KEY:-sk-fallback}
                        base_url: ${BASE:-http://localhost:8000/v1}
                """;
        GantryConfig.DeploymentConfig unset = parse(yaml).models().get(0).deployments().get(0);
        assertThat(unset.apiKey()).isEqualTo("sk-fallback");
        assertThat(unset.baseUrl()).isEqualTo("http://localhost:8000/v1");

        GantryConfig.DeploymentConfig set = parse(yaml, Map.of("KEY", "sk-real")).models().get(0).deployments().get(0);
        assertThat(set.apiKey()).isEqualTo("sk-real");
    }

    @Test
    void anEmptyDefaultIsAllowed() {
        String yaml = "models:\n  - name: m\n    deployments:\n      - provider: openai\n        model: m\n        api_key: \"${KEY:-}\"\n";
        assertThat(parse(yaml).models().get(0).deployments().get(0).apiKey()).isEmpty();
    }

    @Test
    void aVariableValueIsInsertedLiterallyEvenWithRegexSpecialCharacters() {
        String yaml = "models:\n  - name: m\n    deployments:\n      - provider: openai\n        model: m\n        api_key: ${KEY}\n";
        GantryConfig config = parse(yaml, Map.of("KEY", "sk-a$1\\b"));
        assertThat(config.models().get(0).deployments().get(0).apiKey()).isEqualTo("sk-a$1\\b");
    }

    @Test
    void anInvalidProviderIsRejectedWithItsLine() {
        String yaml = """
                models:
                  - name: m
                    deployments:
                      - provider: antropic
                        model: claude
                """;
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 4:")
                .hasMessageContaining("provider must be one of")
                .hasMessageContaining("antropic");
    }

    @Test
    void duplicateModelNamesAreRejected() {
        String yaml = """
                models:
                  - name: m
                    deployments:
                      - provider: ollama
                        model: a
                  - name: m
                    deployments:
                      - provider: ollama
                        model: b
                """;
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("each name may appear only once");
    }

    @Test
    void aModelWithoutDeploymentsIsRejected() {
        assertThatThrownBy(() -> parse("limits:\n  max_body: 2KiB\nmodels:\n  - name: m\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 4:")
                .hasMessageContaining("needs at least one deployment");
    }

    @Test
    void aTooSmallMaxBodyIsRejected() {
        assertThatThrownBy(() -> parse("limits:\n  max_body: 100\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_body");
    }

    @Test
    void aDiscoveryIntervalBelow100msIsRejected() {
        assertThatThrownBy(() -> parse("discovery:\n  interval: 50ms\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 100ms");
    }

    @Test
    void loadReportsAnUnreadableFile() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(java.nio.file.Path.of("/nonexistent/gantry.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/gantry.yaml");
    }
}
