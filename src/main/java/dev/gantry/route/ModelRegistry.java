package dev.gantry.route;

import dev.gantry.config.GantryConfig;
import dev.gantry.config.GantryConfig.Price;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Public model names and the deployments behind them: those written in config plus those
 * discovered on Ollama nodes. Readers see an immutable snapshot (one volatile read per lookup);
 * discovery rebuilds the snapshot when a node's model list changes.
 */
public final class ModelRegistry {

    /** What {@code /v1/models} shows for one public name. */
    public record ModelInfo(String name, String ownedBy, long createdEpochSeconds) {}

    private record Snapshot(Map<String, List<Deployment>> groups, List<ModelInfo> infos) {}

    private final Map<String, List<Deployment>> configured;
    private final Map<String, List<String>> modelsByNode = new TreeMap<>();
    private final Map<String, Long> firstSeen = new LinkedHashMap<>();
    private final long startEpochSeconds = System.currentTimeMillis() / 1000;
    private volatile Snapshot snapshot;

    public ModelRegistry(GantryConfig config, String defaultOllama) {
        this(config, defaultOllama, Map.of());
    }

    /** @param env where provider API keys and AWS settings are looked up when the config leaves them out */
    public ModelRegistry(GantryConfig config, String defaultOllama, Map<String, String> env) {
        Map<String, List<Deployment>> groups = new LinkedHashMap<>();
        List<GantryConfig.ModelConfig> models = config.models().isEmpty() ? EnvironmentModels.from(env) : config.models();
        for (GantryConfig.ModelConfig model : models) {
            List<Deployment> deployments = new ArrayList<>();
            for (GantryConfig.DeploymentConfig d : model.deployments()) {
                deployments.add(fromConfig(model.name(), d, defaultOllama, env));
            }
            groups.put(model.name(), List.copyOf(deployments));
        }
        this.configured = Collections.unmodifiableMap(groups);
        rebuild();
    }

    private static Deployment fromConfig(String publicName, GantryConfig.DeploymentConfig d, String defaultOllama,
                                         Map<String, String> env) {
        ProviderType type = ProviderType.of(d.provider());
        String region = type == ProviderType.BEDROCK ? ProviderDefaults.awsRegion(d.region(), env) : d.region();
        String baseUrl;
        if (type == ProviderType.OLLAMA) {
            baseUrl = d.baseUrl() == null ? defaultOllama : UpstreamUrls.ollama(d.baseUrl());
        } else {
            baseUrl = UpstreamUrls.baseUrl(d.baseUrl() == null ? ProviderDefaults.baseUrl(type, region, defaultOllama) : d.baseUrl());
        }
        String apiKey = ProviderDefaults.apiKey(type, d.apiKey(), d.baseUrl() == null, env);
        String id = type.id() + "@" + UpstreamUrls.authority(baseUrl) + "/" + d.model();
        GantryConfig.Price price = d.price() != null ? d.price() : dev.gantry.account.PriceTable.lookup(type, baseUrl, d.model());
        GantryConfig.DeploymentConfig resolved = new GantryConfig.DeploymentConfig(d.provider(), baseUrl, d.model(), apiKey,
                d.weight(), d.isPrivate(), price, d.apiVersion(), region,
                firstNonNull(d.awsAccessKeyId(), env.get("AWS_ACCESS_KEY_ID")),
                firstNonNull(d.awsSecretAccessKey(), env.get("AWS_SECRET_ACCESS_KEY")),
                firstNonNull(d.awsSessionToken(), env.get("AWS_SESSION_TOKEN")),
                d.maxTokens(), d.tags(), d.rpm(), d.tpm(), d.maxConcurrency(), d.contextWindow(), d.timeout(), d.firstByteTimeout());
        return new Deployment(id, publicName, type, baseUrl, d.model(), apiKey, d.weight(), d.isPrivate(), price,
                d.tags().stream().map(t -> t.trim().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toSet()), resolved);
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** The deployments serving {@code name} (a missing Ollama tag means {@code :latest}); empty if none. */
    public List<Deployment> resolve(String name) {
        Map<String, List<Deployment>> groups = snapshot.groups;
        List<Deployment> found = groups.get(name);
        if (found == null && name.indexOf(':') < 0) {
            found = groups.get(name + ":latest");
        }
        return found == null ? List.of() : found;
    }

    public List<ModelInfo> list() {
        return snapshot.infos;
    }

    /** Records what an Ollama node serves now; returns true if that changed anything. */
    public synchronized boolean updateNode(String nodeUrl, List<String> modelNames) {
        List<String> sorted = modelNames.stream().sorted().distinct().toList();
        if (sorted.equals(modelsByNode.get(nodeUrl))) {
            return false;
        }
        modelsByNode.put(nodeUrl, sorted);
        rebuild();
        return true;
    }

    public synchronized List<String> modelsOn(String nodeUrl) {
        return modelsByNode.getOrDefault(nodeUrl, List.of());
    }

    private synchronized void rebuild() {
        Map<String, List<Deployment>> groups = new LinkedHashMap<>(configured);
        Map<String, List<Deployment>> discovered = new TreeMap<>();
        modelsByNode.forEach((node, names) -> {
            for (String name : names) {
                if (configured.containsKey(name)) {
                    continue; // an explicit config entry wins over discovery
                }
                String id = "ollama@" + UpstreamUrls.authority(node) + "/" + name;
                discovered.computeIfAbsent(name, k -> new ArrayList<>())
                        .add(new Deployment(id, name, ProviderType.OLLAMA, node, name, null, 1, true, Price.FREE,
                                java.util.Set.of(), GantryConfig.DeploymentConfig.discovered(node, name)));
            }
        });
        discovered.forEach((name, list) -> groups.put(name, List.copyOf(list)));

        List<ModelInfo> infos = new ArrayList<>();
        for (Map.Entry<String, List<Deployment>> e : groups.entrySet()) {
            long created = firstSeen.computeIfAbsent(e.getKey(), k -> System.currentTimeMillis() / 1000);
            boolean allOllama = e.getValue().stream().allMatch(d -> d.provider() == ProviderType.OLLAMA);
            infos.add(new ModelInfo(e.getKey(), allOllama ? "ollama" : "gantry", configured.containsKey(e.getKey()) ? startEpochSeconds : created));
        }
        snapshot = new Snapshot(Collections.unmodifiableMap(groups), List.copyOf(infos));
    }

    /** Distinct base URLs of configured deployments, for health checks. */
    public List<Deployment> configuredDeployments() {
        return configured.values().stream().flatMap(List::stream).toList();
    }
}
