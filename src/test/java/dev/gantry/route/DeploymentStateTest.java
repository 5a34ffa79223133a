package dev.gantry.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeploymentStateTest {

    private static final long S = 1_000_000_000L;
    private static final GantryConfig.Cooldown COOLDOWN = new GantryConfig.Cooldown(3, Duration.ofSeconds(60), Duration.ofSeconds(30));

    static Deployment deployment(String id, Integer rpm, Integer tpm, Integer maxConcurrency) {
        GantryConfig.DeploymentConfig c = new GantryConfig.DeploymentConfig("openai", "http://h/v1", "m", null, 1, false, null,
                null, null, null, null, null, null, List.of(), rpm, tpm, maxConcurrency, null, null, null);
        return new Deployment(id, "m", ProviderType.OPENAI, "http://h/v1", "m", null, 1, false, GantryConfig.Price.FREE, Set.of(), c);
    }

    private static DeploymentState state() {
        return new DeploymentState(deployment("d", null, null, null), COOLDOWN);
    }

    private static void fail(DeploymentState s, long now) {
        assertThat(s.forceAcquire(now, 0)).isTrue();
        s.finish(now, false, true, 0, 0, 0, "boom");
    }

    @Test
    void coolsDownAfterTheConfiguredFailuresWithinTheWindowOnly() {
        DeploymentState s = state();
        long t = 1_000 * S;
        fail(s, t);
        fail(s, t + 70 * S); // the first failure left the 60 s window
        fail(s, t + 71 * S);
        assertThat(s.health(t + 71 * S)).isEqualTo(DeploymentState.Health.HEALTHY);
        fail(s, t + 72 * S);
        assertThat(s.health(t + 72 * S)).isEqualTo(DeploymentState.Health.COOLING_DOWN);
        assertThat(s.unavailable(t + 72 * S + 29 * S)).isTrue();
        assertThat(s.lastError()).isEqualTo("boom");
    }

    @Test
    void afterTheCooldownOneProbeGoesOutAndItsOutcomeDecides() {
        DeploymentState s = state();
        long t = 1_000 * S;
        fail(s, t);
        fail(s, t);
        fail(s, t);
        long after = t + 31 * S;
        assertThat(s.health(after)).isEqualTo(DeploymentState.Health.PROBING);
        assertThat(s.tryAcquire(after, 0)).as("the probe").isTrue();
        assertThat(s.unavailable(after)).as("no second request while the probe is out").isTrue();
        assertThat(s.tryAcquire(after, 0)).isFalse();
        s.finish(after, false, true, 0, 0, 0, "still down");
        assertThat(s.health(after)).as("a failed probe cools it again at once").isEqualTo(DeploymentState.Health.COOLING_DOWN);

        long later = after + 31 * S;
        assertThat(s.tryAcquire(later, 0)).isTrue();
        s.finish(later, true, false, 5_000_000, 0, 0, null);
        assertThat(s.health(later)).isEqualTo(DeploymentState.Health.HEALTHY);
        assertThat(s.unavailable(later)).isFalse();
        assertThat(s.latencyMillis()).isEqualTo(5.0);
    }

    @Test
    void successClearsEarlierFailures() {
        DeploymentState s = state();
        long t = 1_000 * S;
        fail(s, t);
        fail(s, t);
        assertThat(s.tryAcquire(t, 0)).isTrue();
        s.finish(t, true, false, 0, 0, 0, null);
        fail(s, t);
        fail(s, t);
        assertThat(s.health(t)).isEqualTo(DeploymentState.Health.HEALTHY);
    }

    @Test
    void aRetryAfterRestsTheDeploymentWithoutCoolingItDown() {
        DeploymentState s = state();
        long t = 1_000 * S;
        assertThat(s.tryAcquire(t, 0)).isTrue();
        s.finish(t, false, false, 0, 0, 10 * S, null);
        assertThat(s.unavailable(t + 9 * S)).isTrue();
        assertThat(s.unavailable(t + 11 * S)).isFalse();
        assertThat(s.health(t)).isEqualTo(DeploymentState.Health.HEALTHY);
    }

    @Test
    void maxConcurrencyRpmAndTpmLimitSlots() {
        long t = 1_000 * S;
        DeploymentState concurrency = new DeploymentState(deployment("c", null, null, 2), COOLDOWN);
        assertThat(concurrency.tryAcquire(t, 0)).isTrue();
        assertThat(concurrency.tryAcquire(t, 0)).isTrue();
        assertThat(concurrency.tryAcquire(t, 0)).isFalse();
        concurrency.finish(t, true, false, 0, 0, 0, null);
        assertThat(concurrency.tryAcquire(t, 0)).isTrue();

        DeploymentState rpm = new DeploymentState(deployment("r", 3, null, null), COOLDOWN);
        for (int i = 0; i < 3; i++) {
            assertThat(rpm.tryAcquire(t + i * S, 0)).isTrue();
            rpm.finish(t + i * S, true, false, 0, 0, 0, null);
        }
        assertThat(rpm.tryAcquire(t + 10 * S, 0)).isFalse();
        assertThat(rpm.nanosUntilRoom(t + 10 * S)).isEqualTo(50 * S);
        assertThat(rpm.tryAcquire(t + 60 * S, 0)).as("the first request left the minute").isTrue();

        DeploymentState tpm = new DeploymentState(deployment("t", null, 1000, null), COOLDOWN);
        assertThat(tpm.tryAcquire(t, 600)).isTrue();
        assertThat(tpm.tryAcquire(t, 600)).as("1200 > 1000 tokens").isFalse();
        tpm.finish(t, true, false, 0, -500, 0, null); // it used only 100
        assertThat(tpm.tryAcquire(t, 600)).as("settled usage freed room").isTrue();
    }

    @Test
    void rateWindowCountsTheLastSixtySeconds() {
        RateWindow w = new RateWindow();
        long t = 5_000 * S;
        w.add(t, 5);
        w.add(t + 30 * S, 7);
        assertThat(w.sum(t + 30 * S)).isEqualTo(12);
        assertThat(w.sum(t + 60 * S)).isEqualTo(7);
        assertThat(w.sum(t + 91 * S)).isZero();
        w.add(t + 120 * S, 1); // reuses the bucket of t
        assertThat(w.sum(t + 120 * S)).isEqualTo(1);
    }
}
