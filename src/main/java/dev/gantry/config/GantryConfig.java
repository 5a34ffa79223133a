package dev.gantry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * The YAML config as immutable records. Every field is optional; compact constructors fill the
 * defaults and reject values that cannot work, so a loaded config is always usable.
 */
public record GantryConfig(Discovery discovery, List<ModelConfig> models, Routing routing, Limits limits) {

    public GantryConfig {
        discovery = discovery == null ? new Discovery(null, null, null) : discovery;
        models = models == null ? List.of() : List.copyOf(models);
        routing = routing == null ? new Routing(null, null, null) : routing;
        limits = limits == null ? new Limits(null, null) : limits;
        long distinct = models.stream().map(ModelConfig::name).distinct().count();
        if (distinct != models.size()) {
            throw new IllegalArgumentException("models: each name may appear only once");
        }
    }

    public static GantryConfig empty() {
        return new GantryConfig(null, null, null, null);
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

    /** A public model name and the deployments that serve it. */
    public record ModelConfig(String name, List<DeploymentConfig> deployments) {
        public ModelConfig {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("models[].name is required");
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
            Price price) {
        public DeploymentConfig {
            if (provider == null || !(provider.equals("ollama") || provider.equals("openai"))) {
                throw new IllegalArgumentException("deployment provider must be one of: ollama, openai (got " + provider + ")");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("deployment model (the upstream model id) is required");
            }
            weight = weight == null ? 1 : weight;
            if (weight < 0) {
                throw new IllegalArgumentException("deployment weight must not be negative");
            }
            isPrivate = isPrivate != null ? isPrivate : provider.equals("ollama");
            price = price == null ? Price.FREE : price;
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

    /** Time limits on upstream calls. */
    public record Routing(Duration timeout, Duration firstByteTimeout, Duration connectTimeout) {
        public Routing {
            timeout = timeout == null ? Duration.ofMinutes(10) : timeout;
            firstByteTimeout = firstByteTimeout == null ? Duration.ofMinutes(2) : firstByteTimeout;
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
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
}
