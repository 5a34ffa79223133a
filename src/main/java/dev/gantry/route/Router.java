package dev.gantry.route;

import dev.gantry.config.GantryConfig;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.RouteHints;
import dev.gantry.route.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the deployment for one attempt: filters the group (privacy, tags, context window,
 * already tried, cooling down, at its limits), then lets the group's strategy pick among what is
 * left and takes a slot on it.
 */
public final class Router {

    private final ModelRegistry registry;
    private final RoutingState state;
    private final String defaultStrategy;
    private final Map<String, String> groupStrategies;
    private final ConcurrentHashMap<String, Strategy> strategies = new ConcurrentHashMap<>();

    public Router(ModelRegistry registry, RoutingState state, GantryConfig config) {
        this.registry = registry;
        this.state = state;
        this.defaultStrategy = config.routing().strategy();
        Map<String, String> perGroup = new java.util.HashMap<>();
        for (GantryConfig.ModelConfig m : config.models()) {
            if (m.strategy() != null) {
                perGroup.put(m.name(), m.strategy());
            }
        }
        this.groupStrategies = Map.copyOf(perGroup);
    }

    /** A router with default settings (tests). */
    public Router(ModelRegistry registry) {
        this(registry, new RoutingState(GantryConfig.Routing.defaults().cooldown()), GantryConfig.empty());
    }

    public RoutingState state() {
        return state;
    }

    /** The deployments of a public model name; empty when nothing serves it. */
    public List<Deployment> group(String model) {
        return registry.resolve(model);
    }

    public static GatewayError modelNotFound(String model) {
        return new GatewayError(ErrorKind.NOT_FOUND, "The model '" + GatewayError.quote(model)
                + "' does not exist or is not served by this gateway. GET /v1/models lists the available models.",
                "model", "model_not_found", null);
    }

    /** Picks without limits or hints, for callers that do not retry (tests, simple tools). */
    public Deployment pick(String model) {
        List<Deployment> group = group(model);
        if (group.isEmpty()) {
            throw modelNotFound(model);
        }
        Pick p = pick(model, group, RouteHints.NONE, Set.of(), 0, 0, System.nanoTime());
        if (p instanceof Pick.Chosen c) {
            c.state().finish(System.nanoTime(), false, false, 0, 0, 0, null);
            return c.state().deployment();
        }
        return group.get(0);
    }

    /**
     * @param tried ids already attempted for this request (another one is preferred)
     * @param promptTokens estimated prompt size, checked against {@code context_window}
     * @param reserveTokens tokens to reserve against {@code tpm} (prompt + expected output)
     */
    public Pick pick(String groupName, List<Deployment> group, RouteHints hints, Set<String> tried,
                     int promptTokens, int reserveTokens, long now) {
        List<DeploymentState> allowed = new ArrayList<>(group.size());
        int notPrivate = 0;
        int wrongTags = 0;
        int tooSmall = 0;
        for (Deployment d : group) {
            if (hints.privateOnly() && !d.isPrivate()) {
                notPrivate++;
            } else if (!d.tags().containsAll(hints.tags())) {
                wrongTags++;
            } else if (d.config().contextWindow() != null && promptTokens > d.config().contextWindow()) {
                tooSmall++;
            } else {
                allowed.add(state.of(d));
            }
        }
        if (allowed.isEmpty()) {
            return new Pick.Unavailable(why(groupName, hints, notPrivate, wrongTags, tooSmall, promptTokens));
        }
        List<DeploymentState> pool = allowed;
        if (!tried.isEmpty()) {
            List<DeploymentState> fresh = new ArrayList<>(allowed.size());
            for (DeploymentState s : allowed) {
                if (!tried.contains(s.deployment().id())) {
                    fresh.add(s);
                }
            }
            pool = fresh.isEmpty() ? allowed : fresh;
        }
        List<DeploymentState> healthy = new ArrayList<>(pool.size());
        for (DeploymentState s : pool) {
            if (!s.unavailable(now)) {
                healthy.add(s);
            }
        }
        if (healthy.isEmpty()) {
            return lastResort(pool, now, reserveTokens);
        }
        List<DeploymentState> withRoom = new ArrayList<>(healthy.size());
        long retry = Long.MAX_VALUE;
        for (DeploymentState s : healthy) {
            if (s.hasCapacity(now, reserveTokens)) {
                withRoom.add(s);
            } else {
                retry = Math.min(retry, s.nanosUntilRoom(now));
            }
        }
        Strategy strategy = strategyFor(groupName);
        while (!withRoom.isEmpty()) {
            DeploymentState chosen = strategy.choose(withRoom, now);
            if (chosen.tryAcquire(now, reserveTokens)) {
                return new Pick.Chosen(chosen, false);
            }
            withRoom.remove(chosen); // another loop took the last slot meanwhile
        }
        return new Pick.Saturated(retry == Long.MAX_VALUE ? 0 : retry);
    }

    /** True when some allowed deployment has not been tried yet and may take traffic now. */
    public boolean hasUntried(List<Deployment> group, RouteHints hints, Set<String> tried, int promptTokens, long now) {
        for (Deployment d : group) {
            if ((hints.privateOnly() && !d.isPrivate()) || !d.tags().containsAll(hints.tags())
                    || (d.config().contextWindow() != null && promptTokens > d.config().contextWindow())
                    || tried.contains(d.id())) {
                continue;
            }
            if (!state.of(d).unavailable(now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Everything allowed is cooling down: rather than refuse outright, try the one that recovers
     * first. A cooldown guards against hammering a sick deployment, not against ever using it.
     */
    private Pick lastResort(List<DeploymentState> pool, long now, int reserveTokens) {
        DeploymentState soonest = null;
        for (DeploymentState s : pool) {
            if (soonest == null || s.availableAt() < soonest.availableAt()) {
                soonest = s;
            }
        }
        if (soonest.forceAcquire(now, reserveTokens)) {
            return new Pick.Chosen(soonest, true);
        }
        return new Pick.Saturated(0);
    }

    private Strategy strategyFor(String group) {
        Strategy s = strategies.get(group);
        if (s != null) {
            return s;
        }
        return strategies.computeIfAbsent(group,
                g -> Strategies.of(groupStrategies.getOrDefault(g, defaultStrategy), state.residency()));
    }

    private static GatewayError why(String group, RouteHints hints, int notPrivate, int wrongTags, int tooSmall, int promptTokens) {
        String name = GatewayError.quote(group);
        if (tooSmall > 0 && notPrivate == 0 && wrongTags == 0) {
            return new GatewayError(ErrorKind.BAD_REQUEST, "The prompt (about " + promptTokens + " tokens) is longer than the context window of every deployment of '"
                    + name + "'.", "messages", "context_length_exceeded", null);
        }
        if (notPrivate > 0 && wrongTags == 0 && tooSmall == 0) {
            return new GatewayError(ErrorKind.BAD_REQUEST, "This request is marked private, and '" + name
                    + "' has no deployment marked private: true. Ask for a local model.", null, "no_private_deployment", null);
        }
        if (wrongTags > 0 && notPrivate == 0 && tooSmall == 0) {
            return new GatewayError(ErrorKind.BAD_REQUEST, "No deployment of '" + name + "' carries the tags " + hints.tags() + ".",
                    null, "no_matching_deployment", null);
        }
        return new GatewayError(ErrorKind.BAD_REQUEST, "No deployment of '" + name + "' can serve this request"
                + (hints.privateOnly() ? " privately" : "") + (hints.tags().isEmpty() ? "" : " with tags " + hints.tags())
                + (tooSmall > 0 ? " with a prompt of about " + promptTokens + " tokens" : "") + ".", null, "no_matching_deployment", null);
    }
}
