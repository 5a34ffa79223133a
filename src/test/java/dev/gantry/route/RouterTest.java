package dev.gantry.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static Router router(String yaml) {
        GantryConfig config = new ConfigLoader(Map.of()).parse(yaml, "test.yaml");
        return new Router(new ModelRegistry(config, UpstreamUrls.DEFAULT_OLLAMA));
    }

    private static Map<String, Integer> count(Router router, String model, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(router.pick(model).baseUrl(), 1, Integer::sum);
        }
        return counts;
    }

    private static final String WEIGHTED = """
            models:
              - name: llama3
                deployments:
                  - provider: ollama
                    base_url: http://gpu-1:11434
                    model: llama3
                    weight: 3
                  - provider: ollama
                    base_url: http://gpu-2:11434
                    model: llama3
                    weight: 1
              - name: solo
                deployments:
                  - provider: openai
                    base_url: https://api.example.com/v1
                    model: solo-1
              - name: zeroes
                deployments:
                  - provider: ollama
                    base_url: http://gpu-1:11434
                    model: z
                    weight: 0
                  - provider: ollama
                    base_url: http://gpu-2:11434
                    model: z
                    weight: 0
              - name: one-off
                deployments:
                  - provider: ollama
                    base_url: http://gpu-1:11434
                    model: o
                    weight: 0
                  - provider: ollama
                    base_url: http://gpu-2:11434
                    model: o
                    weight: 5
              - name: qwen:latest
                deployments:
                  - provider: ollama
                    base_url: http://gpu-3:11434
                    model: qwen
            """;

    @Test
    void weightsThreeToOneSplitFourThousandPicksAboutThreeToOne() {
        Map<String, Integer> counts = count(router(WEIGHTED), "llama3", 4000);
        // expected 3000 / 1000; one standard deviation is about 27 picks
        assertThat(counts.get("http://gpu-1:11434")).isBetween(2800, 3200);
        assertThat(counts.get("http://gpu-2:11434")).isBetween(800, 1200);
    }

    @Test
    void aZeroWeightDeploymentIsNeverPickedWhileAnotherHasWeight() {
        assertThat(count(router(WEIGHTED), "one-off", 500)).containsOnlyKeys("http://gpu-2:11434");
    }

    @Test
    void allZeroWeightsFallBackToUniformPicks() {
        Map<String, Integer> counts = count(router(WEIGHTED), "zeroes", 2000);
        assertThat(counts.get("http://gpu-1:11434")).isBetween(800, 1200);
        assertThat(counts.get("http://gpu-2:11434")).isBetween(800, 1200);
    }

    @Test
    void aSingleDeploymentIsAlwaysPicked() {
        Deployment d = router(WEIGHTED).pick("solo");
        assertThat(d.upstreamModel()).isEqualTo("solo-1");
        assertThat(d.provider()).isEqualTo(ProviderType.OPENAI);
        assertThat(d.id()).isEqualTo("openai@api.example.com:443/solo-1");
    }

    @Test
    void aNameWithoutTagFindsItsLatestTag() {
        assertThat(router(WEIGHTED).pick("qwen").upstreamModel()).isEqualTo("qwen");
    }

    @Test
    void anUnknownModelIsNotFoundNamingTheModel() {
        for (String name : List.of("nope", "llama3:70b", "")) {
            assertThatThrownBy(() -> router(WEIGHTED).pick(name))
                    .isInstanceOfSatisfying(GatewayError.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.code()).isEqualTo("model_not_found");
                        assertThat(e.param()).isEqualTo("model");
                    })
                    .hasMessageContaining("'" + name + "'");
        }
    }

    @Test
    void discoveredModelsAreRoutableAndConfiguredNamesWinOverDiscovery() {
        GantryConfig config = new ConfigLoader(Map.of()).parse(WEIGHTED, "test.yaml");
        ModelRegistry registry = new ModelRegistry(config, UpstreamUrls.DEFAULT_OLLAMA);
        Router router = new Router(registry);
        assertThatThrownBy(() -> router.pick("mistral:7b")).isInstanceOf(GatewayError.class);

        registry.updateNode("http://gpu-9:11434", List.of("mistral:7b", "solo"));
        assertThat(router.pick("mistral:7b").baseUrl()).isEqualTo("http://gpu-9:11434");
        assertThat(router.pick("solo").provider()).isEqualTo(ProviderType.OPENAI);
    }

    private static final String MIXED = """
            models:
              - name: m
                deployments:
                  - { provider: ollama, base_url: "http://gpu-1:11434", model: m, tags: [EU], context_window: 100, max_concurrency: 1 }
                  - { provider: openai, base_url: "http://cloud/v1", model: m, tags: [us] }
            """;

    private static Pick pick(Router router, dev.gantry.pipeline.RouteHints hints, java.util.Set<String> tried, int prompt) {
        return router.pick("m", router.group("m"), hints, tried, prompt, 0, System.nanoTime());
    }

    private static String chosen(Pick p) {
        assertThat(p).isInstanceOf(Pick.Chosen.class);
        Pick.Chosen c = (Pick.Chosen) p;
        c.state().finish(System.nanoTime(), true, false, 0, 0, 0, null);
        return c.state().deployment().baseUrl();
    }

    @Test
    void privacyTagsAndContextWindowFilterDeploymentsAndSayWhyWhenNoneIsLeft() {
        Router router = router(MIXED);
        var none = dev.gantry.pipeline.RouteHints.NONE;
        assertThat(chosen(pick(router, none.withPrivate(), java.util.Set.of(), 10))).isEqualTo("http://gpu-1:11434");
        assertThat(chosen(pick(router, none.withTags(java.util.Set.of("eu")), java.util.Set.of(), 10))).isEqualTo("http://gpu-1:11434");
        assertThat(chosen(pick(router, none, java.util.Set.of(), 500))).as("too long for gpu-1").isEqualTo("http://cloud/v1");

        Pick privateTooLong = pick(router, none.withPrivate(), java.util.Set.of(), 500);
        assertThat(((Pick.Unavailable) privateTooLong).reason().code()).isEqualTo("no_matching_deployment");
        Pick wrongTag = pick(router, none.withTags(java.util.Set.of("apac")), java.util.Set.of(), 10);
        assertThat(((Pick.Unavailable) wrongTag).reason().code()).isEqualTo("no_matching_deployment");
        Pick privateUs = pick(router, new dev.gantry.pipeline.RouteHints(java.util.Set.of("us"), true), java.util.Set.of(), 10);
        assertThat(((Pick.Unavailable) privateUs).reason().getMessage()).contains("privately").contains("us");
        Router contextOnly = router(MIXED.replace(", context_window: 100", ", context_window: 100").replace("tags: [us]", "tags: [us], context_window: 50"));
        assertThat(((Pick.Unavailable) pick(contextOnly, none, java.util.Set.of(), 500)).reason().code()).isEqualTo("context_length_exceeded");
    }

    @Test
    void anUntriedDeploymentIsPreferredAndAFullOneIsSaturated() {
        Router router = router(MIXED);
        var none = dev.gantry.pipeline.RouteHints.NONE;
        for (int i = 0; i < 20; i++) {
            assertThat(chosen(pick(router, none, java.util.Set.of("openai@cloud:80/m"), 10))).isEqualTo("http://gpu-1:11434");
        }
        Pick first = pick(router, none.withPrivate(), java.util.Set.of(), 10);
        Pick second = pick(router, none.withPrivate(), java.util.Set.of(), 10);
        assertThat(first).isInstanceOf(Pick.Chosen.class);
        assertThat(second).as("max_concurrency 1 is taken").isInstanceOf(Pick.Saturated.class);
    }

    @Test
    void whenEveryDeploymentCoolsDownTheOneThatRecoversFirstIsTriedAsALastResort() {
        Router router = router(WEIGHTED);
        long now = System.nanoTime();
        for (Deployment d : router.group("llama3")) {
            DeploymentState s = router.state().of(d);
            for (int i = 0; i < 3; i++) {
                s.forceAcquire(now, 0);
                s.finish(now, false, true, 0, 0, 0, "down");
            }
        }
        Pick p = router.pick("llama3", router.group("llama3"), dev.gantry.pipeline.RouteHints.NONE, java.util.Set.of(), 0, 0, now);
        assertThat(p).isInstanceOf(Pick.Chosen.class);
        assertThat(((Pick.Chosen) p).lastResort()).isTrue();
    }
}
