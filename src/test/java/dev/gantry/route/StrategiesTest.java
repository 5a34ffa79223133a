package dev.gantry.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig;
import dev.gantry.route.strategy.Strategies;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    private static final long NOW = 1_000_000_000_000L;
    private static final GantryConfig.Cooldown COOLDOWN = new GantryConfig.Cooldown(3, Duration.ofSeconds(60), Duration.ofSeconds(60));

    private static DeploymentState state(String id, ProviderType type, String baseUrl, double price, Integer rpm) {
        GantryConfig.DeploymentConfig c = new GantryConfig.DeploymentConfig(type.id(), baseUrl, "m:1b", null, 1, false,
                new GantryConfig.Price(price, price), null, null, null, null, null, null, List.of(), rpm, null, null, null, null, null);
        Deployment d = new Deployment(id, "m", type, baseUrl, "m:1b", null, 1, false, c.price(), Set.of(), c);
        return new DeploymentState(d, COOLDOWN);
    }

    private static DeploymentState plain(String id) {
        return state(id, ProviderType.OPENAI, "http://" + id, 0, null);
    }

    private static void busy(DeploymentState s, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(s.tryAcquire(NOW, 0)).isTrue();
        }
    }

    private static Map<String, Integer> counts(Strategy strategy, List<DeploymentState> candidates, int rounds) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < rounds; i++) {
            counts.merge(strategy.choose(candidates, NOW).deployment().id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void leastBusyPicksTheFewestInFlightAndSharesTies() {
        DeploymentState a = plain("a");
        DeploymentState b = plain("b");
        DeploymentState c = plain("c");
        busy(a, 3);
        Strategy s = Strategies.of("least-busy", new Residency());
        Map<String, Integer> counts = counts(s, List.of(a, b, c), 1000);
        assertThat(counts).doesNotContainKey("a");
        assertThat(counts.get("b")).isBetween(350, 650);
    }

    @Test
    void roundRobinTakesEachInTurn() {
        List<DeploymentState> three = List.of(plain("a"), plain("b"), plain("c"));
        Strategy s = Strategies.of("round-robin", new Residency());
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            order.append(s.choose(three, NOW).deployment().id());
        }
        assertThat(order.toString()).isIn("abcabc", "bcabca", "cabcab");
    }

    @Test
    void costPicksTheCheapest() {
        DeploymentState cheap = state("cheap", ProviderType.OPENAI, "http://x", 0.1, null);
        DeploymentState dear = state("dear", ProviderType.OPENAI, "http://y", 5, null);
        assertThat(counts(Strategies.of("cost", new Residency()), List.of(dear, cheap), 200)).containsOnlyKeys("cheap");
    }

    @Test
    void latencyMeasuresUnknownOnesFirstThenPrefersTheFastest() {
        DeploymentState fast = plain("fast");
        DeploymentState slow = plain("slow");
        Strategy s = Strategies.of("latency", new Residency());
        busy(fast, 1);
        fast.finish(NOW, true, false, 20_000_000, 0, 0, null);
        assertThat(s.choose(List.of(fast, slow), NOW)).as("never measured goes first").isSameAs(slow);
        busy(slow, 1);
        slow.finish(NOW, true, false, 400_000_000, 0, 0, null);
        assertThat(counts(s, List.of(fast, slow), 200)).containsOnlyKeys("fast");
    }

    @Test
    void usagePicksTheDeploymentFurthestFromItsLimits() {
        DeploymentState small = state("small", ProviderType.OPENAI, "http://x", 0, 10);
        DeploymentState big = state("big", ProviderType.OPENAI, "http://y", 0, 1000);
        for (int i = 0; i < 5; i++) {
            busy(small, 1);
            small.finish(NOW, true, false, 0, 0, 0, null);
            busy(big, 1);
            big.finish(NOW, true, false, 0, 0, 0, null);
        }
        // small used 50 % of its rpm, big 0.5 %
        assertThat(counts(Strategies.of("usage", new Residency()), List.of(small, big), 50)).containsOnlyKeys("big");
    }

    @Test
    void residencyPrefersTheNodeWithTheModelLoadedAndSpillsWhenItIsBusy() {
        Residency residency = new Residency();
        DeploymentState warm = state("warm", ProviderType.OLLAMA, "http://gpu-1:11434", 0, null);
        DeploymentState cold = state("cold", ProviderType.OLLAMA, "http://gpu-2:11434", 0, null);
        residency.update("http://gpu-1:11434", Set.of("m:1b"));
        Strategy s = Strategies.of("residency", residency);

        assertThat(counts(s, List.of(cold, warm), 100)).containsOnlyKeys("warm");
        busy(warm, 4);
        assertThat(s.choose(List.of(cold, warm), NOW)).as("warm node full, cold idle").isSameAs(cold);
        busy(cold, 1);
        assertThat(s.choose(List.of(cold, warm), NOW)).as("cold busy too: queue behind the warm one").isSameAs(warm);
    }

    @Test
    void residencyMatchesModelsWithOrWithoutTheLatestTag() {
        Residency residency = new Residency();
        residency.update("http://n:11434", Set.of("llama3"));
        assertThat(residency.isLoaded("http://n:11434", "llama3:latest")).isTrue();
        residency.learned("http://n:11434", "qwen3:0.6b");
        assertThat(residency.isLoaded("http://n:11434", "qwen3:0.6b")).isTrue();
        residency.update("http://n:11434", Set.of());
        assertThat(residency.isLoaded("http://n:11434", "llama3")).isFalse();
    }
}
