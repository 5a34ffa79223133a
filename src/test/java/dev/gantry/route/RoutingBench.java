package dev.gantry.route;

import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.pipeline.RouteHints;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one routing decision: resolve the group, filter it, let the strategy choose, take
 * a slot and give it back (what every request pays once per attempt). Run with {@code bench/micro}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBench {

    @Param({"weighted", "least-busy", "latency", "residency", "usage"})
    public String strategy;

    @Param({"1", "4"})
    public int deployments;

    private Router router;
    private RoutingState state;
    private RouteHints tagged;

    @Setup
    public void setUp() {
        StringBuilder yaml = new StringBuilder("routing: { strategy: " + strategy + " }\nmodels:\n  - name: m\n    deployments:\n");
        for (int i = 0; i < deployments; i++) {
            yaml.append("      - { provider: ollama, base_url: \"http://gpu-").append(i)
                    .append(":11434\", model: m, tags: [eu], rpm: 100000000, max_concurrency: 1000 }\n");
        }
        GantryConfig config = new ConfigLoader(Map.of()).parse(yaml.toString(), "bench.yaml");
        ModelRegistry registry = new ModelRegistry(config, UpstreamUrls.DEFAULT_OLLAMA);
        state = new RoutingState(config.routing().cooldown());
        state.residency().update("http://gpu-0:11434", Set.of("m"));
        router = new Router(registry, state, config);
        tagged = new RouteHints(Set.of("eu"), true);
    }

    @Benchmark
    public Object pickAndRelease() {
        List<Deployment> group = router.group("m");
        long now = System.nanoTime();
        Pick pick = router.pick("m", group, RouteHints.NONE, Set.of(), 0, 0, now);
        release(pick, now);
        return pick;
    }

    @Benchmark
    public Object pickPrivateTaggedAndRelease() {
        List<Deployment> group = router.group("m");
        long now = System.nanoTime();
        Pick pick = router.pick("m", group, tagged, Set.of(), 0, 0, now);
        release(pick, now);
        return pick;
    }

    private void release(Pick pick, long now) {
        if (pick instanceof Pick.Chosen c) {
            c.state().finish(now, true, false, 1_000_000, 0, 0, null);
        }
    }
}
