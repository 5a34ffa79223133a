package dev.gantry;

import dev.gantry.account.SpendRecorder;
import dev.gantry.auth.Authenticator;
import dev.gantry.auth.MasterKey;
import dev.gantry.config.GantryConfig;
import dev.gantry.config.Settings;
import dev.gantry.limits.Limiter;
import dev.gantry.limits.LocalLimiter;
import dev.gantry.limits.RedisLimiter;
import dev.gantry.limits.RedisLimiterOptions;
import dev.gantry.pipeline.Accounting;
import dev.gantry.pipeline.Admission;
import dev.gantry.pipeline.Gateway;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.anthropic.AnthropicProvider;
import dev.gantry.provider.azure.AzureProvider;
import dev.gantry.provider.bedrock.BedrockProvider;
import dev.gantry.provider.gemini.GeminiProvider;
import dev.gantry.provider.ollama.OllamaProvider;
import dev.gantry.provider.openai.OpenAiProvider;
import dev.gantry.route.CapacityQueue;
import dev.gantry.route.Dispatcher;
import dev.gantry.route.ModelRegistry;
import dev.gantry.route.ProviderType;
import dev.gantry.route.Router;
import dev.gantry.route.RoutingState;
import dev.gantry.route.UpstreamMonitor;
import dev.gantry.route.UpstreamUrls;
import dev.gantry.state.InvalidationBus;
import dev.gantry.store.BudgetSpend;
import dev.gantry.store.Database;
import dev.gantry.store.Stores;
import dev.gantry.surface.http.HttpVerticle;
import dev.gantry.surface.ollama.OllamaRoutes;
import dev.gantry.surface.openai.OpenAiRoutes;
import dev.gantry.surface.ops.OpsRoutes;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Redis;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the gateway together from settings and config, starts it, and stops it gracefully. */
public final class Gantry {

    private static final Logger log = LoggerFactory.getLogger(Gantry.class);

    private final Vertx vertx;
    private final UpstreamMonitor monitor;
    private final Stores stores;
    private final SpendRecorder spend;
    private final InvalidationBus invalidations;
    private final int port;
    private final String deploymentId;

    private Gantry(Vertx vertx, UpstreamMonitor monitor, Stores stores, SpendRecorder spend, InvalidationBus invalidations, int port,
                   String deploymentId) {
        this.invalidations = invalidations;
        this.vertx = vertx;
        this.monitor = monitor;
        this.stores = stores;
        this.spend = spend;
        this.port = port;
        this.deploymentId = deploymentId;
    }

    /** Starts everything and returns once the server listens. */
    public static Gantry start(Settings settings, GantryConfig config, MasterKey masterKey) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
        Stores stores;
        AtomicReference<SpendRecorder> recorder = new AtomicReference<>();
        AtomicReference<InvalidationBus> invalidations = new AtomicReference<>();
        try {
            GantryConfig.Store store = config.store();
            stores = Stores.open(store.url() != null ? store.url() : Database.defaultUrl(settings.dataDir()), store.user(), store.password());
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
        try {
            String defaultOllama = UpstreamUrls.ollama(settings.ollamaHost());
            ModelRegistry registry = new ModelRegistry(config, defaultOllama, settings.env());
            List<String> nodes = !config.discovery().enabled() ? List.of()
                    : config.discovery().ollama() != null
                    ? config.discovery().ollama().stream().map(UpstreamUrls::ollama).toList()
                    : List.of(defaultOllama);
            RoutingState routingState = new RoutingState(config.routing().cooldown());
            UpstreamMonitor monitor = new UpstreamMonitor(vertx, registry, nodes, config.discovery().interval(), routingState.residency());
            GatewayMetrics metrics = new GatewayMetrics();
            metrics.watchRouting(routingState);
            Authenticator authenticator = new Authenticator(masterKey, stores.directory());
            Router router = new Router(registry, routingState, config);
            Dispatcher dispatcher = new Dispatcher(vertx, router, config.routing(), new CapacityQueue(config.routing().queue().max()));
            OpsRoutes ops = new OpsRoutes(monitor, metrics, routingState);
            // Spend goes to the spool first (fsync'd in groups), then to the database in batches.
            SpendRecorder spend = new SpendRecorder(settings.dataDir(), stores.spend());
            spend.start();
            recorder.set(spend);
            metrics.watchSpend(spend);
            Accounting accounting = new Accounting(spend::record);
            BudgetSpend budgetSpend = new BudgetSpend(stores.spend());
            Limiter limiter;
            if (config.redis().url() != null) {
                RedisLimiter redisLimiter = new RedisLimiter(vertx, Redis.createClient(vertx, RedisLimiterOptions.clientOptions(config.redis().url())),
                        RedisLimiterOptions.defaults().withFailOpen(config.redis().failOpen()).withTimeout(config.redis().timeout()), budgetSpend::load);
                metrics.watchRedis(redisLimiter);
                limiter = redisLimiter;
                InvalidationBus bus = new InvalidationBus(vertx, config.redis().url(), stores.sync()::poke);
                bus.start();
                invalidations.set(bus);
            } else {
                limiter = new LocalLimiter(budgetSpend::load);
            }
            Admission admission = new Admission(limiter);

            int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
            long drain = config.limits().drainTimeout().toMillis();
            AtomicReference<HttpVerticle> first = new AtomicReference<>();
            int port = settings.port();
            if (port == 0 && instances > 1) {
                instances = 1; // an ephemeral port cannot be shared by several listeners
            }
            String deploymentId = vertx.deployVerticle(() -> {
                HttpVerticle v = new HttpVerticle(settings.host(), port, (verticleVertx, routes) -> {
                    // Runs on the verticle's event loop: its upstream client (and so every upstream
                    // connection) belongs to that loop, so a request never hops threads to reach its
                    // upstream. Measured: see docs/performance.md. Vert.x closes it on undeploy,
                    // after the server has drained.
                    UpstreamClient upstreams = new UpstreamClient(verticleVertx, config.routing());
                    Gateway gateway = new Gateway(authenticator, dispatcher, registry, Map.of(
                            ProviderType.OLLAMA, new OllamaProvider(upstreams),
                            ProviderType.OPENAI, new OpenAiProvider(upstreams),
                            ProviderType.ANTHROPIC, new AnthropicProvider(upstreams),
                            ProviderType.GEMINI, new GeminiProvider(upstreams),
                            ProviderType.AZURE, new AzureProvider(upstreams),
                            ProviderType.BEDROCK, new BedrockProvider(upstreams)), accounting, admission);
                    ops.mount(routes);
                    new OpenAiRoutes(gateway, metrics, config.limits().maxBody()).mount(routes);
                    new dev.gantry.surface.anthropic.AnthropicRoutes(gateway, metrics, config.limits().maxBody()).mount(routes);
                    new OllamaRoutes(gateway, metrics, config.limits().maxBody(), config.surfaces().ollama()).mount(routes);
                    // Other instances hear about key changes through Redis at once (and by polling without it).
                    Runnable announce = () -> {
                        InvalidationBus bus = invalidations.get();
                        if (bus != null) {
                            bus.publish();
                        }
                    };
                    new dev.gantry.surface.admin.AdminRoutes(stores, authenticator, announce, config.limits().maxBody()).mount(routes);
                }, drain);
                first.compareAndSet(null, v);
                return v;
            }, new DeploymentOptions().setInstances(instances)).await(30, TimeUnit.SECONDS);
            int actual = first.get().actualPort();
            monitor.start().await(10, TimeUnit.SECONDS);
            return new Gantry(vertx, monitor, stores, recorder.get(), invalidations.get(), actual, deploymentId);
        } catch (Exception e) {
            vertx.close();
            if (recorder.get() != null) {
                recorder.get().close();
            }
            stores.close();
            throw e;
        }
    }

    /** The database side: keys, teams, users, spend, audit (tests and admin tools). */
    public Stores stores() {
        return stores;
    }

    public int port() {
        return port;
    }

    /** Stops accepting, waits for in-flight requests up to the drain timeout, then releases everything. */
    public void stop() {
        try {
            vertx.undeploy(deploymentId).await(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            log.warn("Draining did not finish cleanly: {}", e.toString());
        }
        monitor.stop();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Shutdown did not finish cleanly: {}", e.toString());
        }
        if (invalidations != null) {
            invalidations.close();
        }
        spend.close(); // in-flight requests are done: flush their spend, keep the rest spooled
        stores.close();
    }

    /** The spend pipeline (tests: flush, pending). */
    public SpendRecorder spend() {
        return spend;
    }
}
