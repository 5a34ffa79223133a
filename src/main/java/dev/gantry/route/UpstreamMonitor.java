package dev.gantry.route;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.provider.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls upstreams on a fixed interval. Ollama discovery nodes are asked {@code /api/tags}, and
 * what they list becomes servable under its Ollama name; configured deployments are checked for
 * reachability. An unreachable node is never fatal: it is logged once, then retried quietly; its
 * models are withdrawn only after a few failed polls, so a blip does not turn into 404s.
 */
public final class UpstreamMonitor {

    private static final Logger log = LoggerFactory.getLogger(UpstreamMonitor.class);
    private static final int FAILURES_BEFORE_WITHDRAW = 3;
    private static final long CHECK_TIMEOUT_MS = 3_000;

    private final Vertx vertx;
    private final HttpClientAgent http;
    private final ModelRegistry registry;
    private final List<String> discoveryNodes;
    private final Map<String, Deployment> probes = new LinkedHashMap<>();
    private final Duration interval;
    private final Map<String, UpstreamStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Residency residency;
    private long timer = -1;

    public UpstreamMonitor(Vertx vertx, ModelRegistry registry, List<String> discoveryNodes, Duration interval) {
        this(vertx, registry, discoveryNodes, interval, new Residency());
    }

    /** @param residency receives what each Ollama node has loaded ({@code /api/ps}) on every poll */
    public UpstreamMonitor(Vertx vertx, ModelRegistry registry, List<String> discoveryNodes, Duration interval, Residency residency) {
        this.vertx = vertx;
        this.registry = registry;
        this.residency = residency;
        this.discoveryNodes = List.copyOf(discoveryNodes);
        this.interval = interval;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) CHECK_TIMEOUT_MS).setKeepAlive(true));
        for (Deployment d : registry.configuredDeployments()) {
            // Cloud APIs with their own auth schemes are not polled: a failed call moves traffic anyway.
            // OpenAI's own API is not polled either: its outages show as failed calls, and polling costs quota.
            if (d.provider() == ProviderType.OLLAMA
                    || (d.provider() == ProviderType.OPENAI && !d.baseUrl().startsWith(UpstreamUrls.DEFAULT_OPENAI))) {
                probes.putIfAbsent(d.provider().id() + "@" + d.baseUrl(), d);
            }
        }
    }

    /** Runs the first round of checks; completes when it is done (so start-up can report what it found). */
    public Future<Void> start() {
        Future<Void> first = pollAll();
        timer = vertx.setPeriodic(interval.toMillis(), t -> pollAll());
        return first;
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        http.close();
    }

    public List<UpstreamStatus> statuses() {
        List<UpstreamStatus> out = new ArrayList<>(statuses.values());
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    public boolean anyReachable() {
        return statuses.values().stream().anyMatch(UpstreamStatus::reachable);
    }

    private Future<Void> pollAll() {
        List<Future<?>> all = new ArrayList<>();
        for (String node : discoveryNodes) {
            all.add(pollNode(node));
        }
        probes.forEach((key, d) -> all.add(probe(key, d)));
        return Future.join(all).mapEmpty().otherwiseEmpty().mapEmpty();
    }

    private Future<Void> pollNode(String node) {
        String id = "ollama@" + UpstreamUrls.authority(node);
        return get(node + "/api/tags", null).map(body -> {
            JsonNode models = body.path("models");
            List<String> names = new ArrayList<>();
            for (JsonNode m : models) {
                String name = m.path("name").asText(m.path("model").asText(""));
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            Integer before = failures.put(node, 0);
            List<String> previous = registry.modelsOn(node);
            if (registry.updateNode(node, names)) {
                List<String> added = names.stream().filter(n -> !previous.contains(n)).sorted().toList();
                List<String> removed = previous.stream().filter(n -> !names.contains(n)).toList();
                log.info("Ollama at {}: {} model(s){}{}", node, names.size(),
                        added.isEmpty() ? "" : ", added " + added, removed.isEmpty() ? "" : ", removed " + removed);
            } else if (before != null && before > 0) {
                log.info("Ollama at {} is reachable again ({} models)", node, names.size());
            }
            statuses.put(id, new UpstreamStatus(id, "ollama-discovery", true, names.size(), null, System.currentTimeMillis()));
            return (Void) null;
        }).compose(v -> pollLoaded(node)).recover(err -> {
            int count = failures.merge(node, 1, Integer::sum);
            if (count == 1) {
                log.warn("Ollama at {} is not reachable ({}); Gantry keeps running and retries every {}s. "
                        + "Set OLLAMA_HOST or discovery.ollama if it lives elsewhere.", node, reason(err), interval.toSeconds());
            }
            if (count == FAILURES_BEFORE_WITHDRAW && !registry.modelsOn(node).isEmpty()) {
                log.warn("Withdrawing the models of unreachable Ollama {}", node);
                registry.updateNode(node, List.of());
            }
            statuses.put(id, new UpstreamStatus(id, "ollama-discovery", false, registry.modelsOn(node).size(), reason(err),
                    System.currentTimeMillis()));
            return Future.succeededFuture();
        });
    }

    private Future<Void> probe(String key, Deployment d) {
        String id = d.provider().id() + "@" + UpstreamUrls.authority(d.baseUrl());
        String url = d.provider() == ProviderType.OLLAMA ? d.baseUrl() + "/api/tags" : d.baseUrl() + "/models";
        return get(url, d.apiKey()).map(body -> {
            statuses.put(id, new UpstreamStatus(id, "deployment", true, 0, null, System.currentTimeMillis()));
            return (Void) null;
        }).compose(v -> d.provider() == ProviderType.OLLAMA ? pollLoaded(d.baseUrl()) : Future.<Void>succeededFuture()).recover(err -> {
            statuses.put(id, new UpstreamStatus(id, "deployment", false, 0, reason(err), System.currentTimeMillis()));
            return Future.succeededFuture();
        });
    }

    /** Asks an Ollama node which models it holds in memory; an old Ollama without /api/ps is simply not residency-aware. */
    private Future<Void> pollLoaded(String node) {
        return get(node + "/api/ps", null).map(body -> {
            java.util.Set<String> loaded = new java.util.HashSet<>();
            for (JsonNode m : body.path("models")) {
                String name = m.path("name").asText(m.path("model").asText(""));
                if (!name.isEmpty()) {
                    loaded.add(name);
                }
            }
            residency.update(node, loaded);
            return (Void) null;
        }).otherwise(err -> {
            residency.forget(node);
            return null;
        });
    }

    private Future<JsonNode> get(String url, String apiKey) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setTimeout(CHECK_TIMEOUT_MS);
        if (apiKey != null && !apiKey.isEmpty()) {
            options.putHeader("authorization", "Bearer " + apiKey);
        }
        return http.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + resp.statusCode());
                    }
                    return parse(body);
                }));
    }

    private static JsonNode parse(Buffer body) {
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (Exception e) {
            throw new IllegalStateException("answer is not JSON");
        }
    }

    private static String reason(Throwable t) {
        String name = t.getClass().getSimpleName();
        String msg = t.getMessage();
        if (t instanceof java.net.ConnectException || (msg != null && msg.contains("Connection refused"))) {
            return "connection refused";
        }
        return msg == null ? name : msg.length() > 200 ? msg.substring(0, 200) : msg;
    }
}
