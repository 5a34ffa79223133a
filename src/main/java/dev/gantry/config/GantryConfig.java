package dev.gantry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The YAML config as immutable records. Every field is optional; compact constructors fill the
 * defaults and reject values that cannot work, so a loaded config is always usable.
 */
public record GantryConfig(Discovery discovery, List<ModelConfig> models, Routing routing, Limits limits, Store store, Redis redis,
                           Surfaces surfaces) {

    public GantryConfig {
        store = store == null ? new Store(null, null, null) : store;
        redis = redis == null ? new Redis(null, null, null) : redis;
        discovery = discovery == null ? new Discovery(null, null, null) : discovery;
        models = models == null ? List.of() : List.copyOf(models);
        routing = routing == null ? Routing.defaults() : routing;
        limits = limits == null ? new Limits(null, null) : limits;
        surfaces = surfaces == null ? new Surfaces(null) : surfaces;
        long distinct = models.stream().map(ModelConfig::name).distinct().count();
        if (distinct != models.size()) {
            throw new IllegalArgumentException("models: each name may appear only once");
        }
    }

    public static GantryConfig empty() {
        return new GantryConfig(null, null, null, null, null, null, null);
    }

    /** The database: a JDBC URL (PostgreSQL in production); none means an embedded SQLite file in the data dir. */
    public record Store(String url, String user, String password) {
        public Store {
            if (url != null && !(url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:sqlite:"))) {
                throw new IllegalArgumentException("store.url must be a jdbc:postgresql: or jdbc:sqlite: URL");
            }
        }

        @Override
        public String toString() {
            return "Store[" + url + "]"; // never the password
        }
    }

    /**
     * Shared state for many instances: rate-limit counters, budget reservations, invalidations.
     * None means in-memory (one instance). {@code failOpen}: with Redis down, fall back to
     * per-instance limits (true, default) or refuse limited requests (false).
     */
    public record Redis(String url, Boolean failOpen, Duration timeout) {
        public Redis {
            failOpen = failOpen == null || failOpen;
            // Long enough for a burst queued behind a busy event loop: a timeout drops to per-instance limits.
            timeout = timeout == null ? Duration.ofMillis(250) : timeout;
            if (url != null && !(url.startsWith("redis://") || url.startsWith("rediss://") || url.startsWith("unix://"))) {
                throw new IllegalArgumentException("redis.url must be a redis:// or rediss:// URL");
            }
        }

        @Override
        public String toString() {
            return "Redis[configured=" + (url != null) + "]"; // the URL may hold a password
        }
    }

    /** Where to find Ollama nodes and how often to ask them what they serve. */
    public record Discovery(List<String> ollama, Duration interval, Boolean enabled) {
        public Discovery {
            interval = interval == null ? Duration.ofSeconds(5) : interval;
            enabled = enabled == null || enabled;
            if (interval.toMillis() < 100) {
                throw new IllegalArgumentException("discovery.interval must be at least 100ms");
            }
            ollama = ollama == null ? null : List.copyOf(ollama);
        }
    }

    /** A public model name, the deployments that serve it, and optionally its own routing strategy. */
    public record ModelConfig(String name, List<DeploymentConfig> deployments, String strategy) {
        public ModelConfig {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("models[].name is required");
            }
            if (strategy != null && !Routing.STRATEGIES.contains(strategy)) {
                throw new IllegalArgumentException("strategy must be one of: " + String.join(", ", Routing.STRATEGIES) + " (got " + strategy + ")");
            }
            if (deployments == null || deployments.isEmpty()) {
                throw new IllegalArgumentException("model '" + name + "' needs at least one deployment");
            }
            deployments = List.copyOf(deployments);
        }
    }

    /** One upstream that can serve a model. */
    public record DeploymentConfig(
            String provider,
            String baseUrl,
            String model,
            String apiKey,
            Integer weight,
            @JsonProperty("private") Boolean isPrivate,
            Price price,
            // provider-specific
            String apiVersion,
            String region,
            String awsAccessKeyId,
            String awsSecretAccessKey,
            String awsSessionToken,
            Integer maxTokens,
            // routing
            List<String> tags,
            Integer rpm,
            Integer tpm,
            Integer maxConcurrency,
            Integer contextWindow,
            Duration timeout,
            Duration firstByteTimeout) {

        public static final List<String> PROVIDERS = List.of("ollama", "openai", "azure", "anthropic", "gemini", "bedrock");

        public DeploymentConfig {
            if (provider == null || !PROVIDERS.contains(provider)) {
                throw new IllegalArgumentException("deployment provider must be one of: " + String.join(", ", PROVIDERS)
                        + " (got " + provider + ")");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("deployment model (the upstream model id) is required");
            }
            if (provider.equals("azure") && (baseUrl == null || baseUrl.isBlank())) {
                throw new IllegalArgumentException("azure deployments need base_url (https://<resource>.openai.azure.com)");
            }
            weight = weight == null ? 1 : weight;
            if (weight < 0) {
                throw new IllegalArgumentException("deployment weight must not be negative");
            }
            isPrivate = isPrivate != null ? isPrivate : provider.equals("ollama");
            // price stays null when not written: the registry then uses the built-in price table
            tags = tags == null ? List.of() : List.copyOf(tags);
            positive("max_tokens", maxTokens);
            positive("rpm", rpm);
            positive("tpm", tpm);
            positive("max_concurrency", maxConcurrency);
            positive("context_window", contextWindow);
        }

        /** A deployment found by discovery on an Ollama node. */
        public static DeploymentConfig discovered(String node, String model) {
            return new DeploymentConfig("ollama", node, model, null, 1, true, null,
                    null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** A deployment with only the common fields set (tests, defaults). */
        public static DeploymentConfig of(String provider, String baseUrl, String model, String apiKey) {
            return new DeploymentConfig(provider, baseUrl, model, apiKey, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    private static void positive(String key, Integer value) {
        if (value != null && value <= 0) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }

    /** USD per one million tokens. */
    public record Price(Double input, Double output) {
        public static final Price FREE = new Price(0.0, 0.0);

        public Price {
            input = input == null ? 0.0 : input;
            output = output == null ? 0.0 : output;
            if (input < 0 || output < 0) {
                throw new IllegalArgumentException("price must not be negative");
            }
        }
    }

    /** How requests find a deployment and what happens when one fails (docs/routing.md). */
    public record Routing(
            String strategy,
            Integer retries,
            Duration timeout,
            Duration firstByteTimeout,
            Duration connectTimeout,
            Queue queue,
            Cooldown cooldown,
            Map<String, List<String>> fallbacks,
            Map<String, List<String>> contextWindowFallbacks,
            Map<String, List<String>> contentPolicyFallbacks) {

        public static final List<String> STRATEGIES =
                List.of("weighted", "round-robin", "least-busy", "latency", "usage", "cost", "residency");

        public Routing {
            strategy = strategy == null ? "weighted" : strategy;
            if (!STRATEGIES.contains(strategy)) {
                throw new IllegalArgumentException("routing.strategy must be one of: " + String.join(", ", STRATEGIES) + " (got " + strategy + ")");
            }
            retries = retries == null ? 2 : retries;
            if (retries < 0 || retries > 10) {
                throw new IllegalArgumentException("routing.retries must be between 0 and 10");
            }
            timeout = timeout == null ? Duration.ofMinutes(10) : timeout;
            firstByteTimeout = firstByteTimeout == null ? Duration.ofMinutes(2) : firstByteTimeout;
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
            queue = queue == null ? new Queue(null, null) : queue;
            cooldown = cooldown == null ? new Cooldown(null, null, null) : cooldown;
            fallbacks = copy(fallbacks);
            contextWindowFallbacks = copy(contextWindowFallbacks);
            contentPolicyFallbacks = copy(contentPolicyFallbacks);
        }

        public static Routing defaults() {
            return new Routing(null, null, null, null, null, null, null, null, null, null);
        }

        /** Only the time limits set; everything else default. */
        public static Routing timeouts(Duration timeout, Duration firstByteTimeout, Duration connectTimeout) {
            return new Routing(null, null, timeout, firstByteTimeout, connectTimeout, null, null, null, null, null);
        }

        private static Map<String, List<String>> copy(Map<String, List<String>> m) {
            if (m == null) {
                return Map.of();
            }
            Map<String, List<String>> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, v == null ? List.of() : List.copyOf(v)));
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    /** Requests wait here when every deployment is at its limits, then get 503 with Retry-After. */
    public record Queue(Integer max, Duration timeout) {
        public Queue {
            max = max == null ? 100 : max;
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
            if (max < 0) {
                throw new IllegalArgumentException("routing.queue.max must not be negative");
            }
        }
    }

    /** A deployment that failed {@code failures} times within {@code window} rests for {@code for}. */
    public record Cooldown(Integer failures, Duration window, @JsonProperty("for") Duration duration) {
        public Cooldown {
            failures = failures == null ? 3 : failures;
            window = window == null ? Duration.ofSeconds(60) : window;
            duration = duration == null ? Duration.ofSeconds(60) : duration;
            if (failures < 1) {
                throw new IllegalArgumentException("routing.cooldown.failures must be at least 1");
            }
        }
    }

    /** Limits on what clients may send. */
    public record Limits(Long maxBody, Duration drainTimeout) {
        public Limits {
            maxBody = maxBody == null ? 16L * 1024 * 1024 : maxBody;
            drainTimeout = drainTimeout == null ? Duration.ofSeconds(30) : drainTimeout;
            if (maxBody < 1024) {
                throw new IllegalArgumentException("limits.max_body must be at least 1KiB");
            }
        }
    }

    /** Settings of the inbound APIs. */
    public record Surfaces(OllamaSurface ollama) {
        public Surfaces {
            ollama = ollama == null ? new OllamaSurface(null) : ollama;
        }
    }

    /**
     * The Ollama-native surface. {@code keylessNetworks} (CIDR blocks, off when empty) may call it
     * without a key, as ollama clients and Open WebUI do by default, and then act with the master key.
     */
    public record OllamaSurface(List<String> keylessNetworks) {
        public OllamaSurface {
            keylessNetworks = keylessNetworks == null ? List.of() : List.copyOf(keylessNetworks);
            dev.gantry.auth.CidrMatcher.of(keylessNetworks); // rejects a malformed block at load time, with its line
        }
    }
}
