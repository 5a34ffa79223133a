package dev.gantry.route;

import dev.gantry.config.GantryConfig;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * The one retry layer. Runs an attempt on a deployment the router picks; when it fails before
 * the upstream answered (connect error, 408/409/429/5xx/529, first-byte timeout...), moves on to
 * another deployment, waits out a short backoff when only tried ones are left, then walks the
 * model's fallback groups. Waits in the capacity queue when everything is at its limits. Once an
 * attempt succeeded (headers arrived) nothing is retried: bytes may already be with the client.
 */
public final class Dispatcher {

    /** One call of an upstream on a chosen deployment; the lease must be ended by whoever sees the answer end. */
    @FunctionalInterface
    public interface Attempt<T> {
        Future<T> call(Deployment deployment, Lease lease);
    }

    /** How big the request is, for context windows and token limits; computed only when some deployment needs it. */
    public record Size(IntSupplier promptTokens, int maxOutputTokens) {
        public static final Size UNKNOWN = new Size(() -> 0, 0);
    }

    private static final long BACKOFF_BASE_MILLIS = 100;
    private static final long BACKOFF_MAX_MILLIS = 5_000;
    /** An upstream asking for a longer wait than this is skipped for a fallback instead. */
    private static final long MAX_RETRY_AFTER_MILLIS = 10_000;

    private final Vertx vertx;
    private final Router router;
    private final GantryConfig.Routing config;
    private final CapacityQueue queue;

    public Dispatcher(Vertx vertx, Router router, GantryConfig.Routing config, CapacityQueue queue) {
        this.vertx = vertx;
        this.router = router;
        this.config = config;
        this.queue = queue;
    }

    /** The deployments serving a public name; empty when none. */
    public List<Deployment> group(String model) {
        return router.group(model);
    }

    public <T> Future<T> dispatch(Exchange exchange, String model, Size size, Attempt<T> attempt) {
        List<Deployment> primary = router.group(model);
        if (primary.isEmpty()) {
            return Future.failedFuture(Router.modelNotFound(model));
        }
        exchange.model(model); // only names that resolved become metric labels
        if (exchange.millisLeft() == Long.MAX_VALUE) {
            exchange.deadline(exchange.startNanos() + config.timeout().toNanos());
        }
        Run<T> run = new Run<>(exchange, model, primary, size, attempt);
        run.next();
        return run.promise.future();
    }

    /** The state of one request's walk through deployments and groups. */
    private final class Run<T> {
        final Promise<T> promise = Promise.promise();
        final Exchange exchange;
        final String model;
        final Size size;
        final Attempt<T> attempt;
        final ArrayDeque<String> fallbacks;
        boolean fallbacksSwitched;
        String groupName;
        List<Deployment> group;
        final Set<String> tried = new HashSet<>();
        int triesLeft;
        int failuresInGroup;
        GatewayError lastError;
        long queueDeadline;
        int prompt = -1;

        Run(Exchange exchange, String model, List<Deployment> primary, Size size, Attempt<T> attempt) {
            this.exchange = exchange;
            this.model = model;
            this.size = size;
            this.attempt = attempt;
            this.fallbacks = new ArrayDeque<>(config.fallbacks().getOrDefault(model, List.of()));
            enterGroup(model, primary);
        }

        void enterGroup(String name, List<Deployment> deployments) {
            groupName = name;
            group = deployments;
            tried.clear();
            triesLeft = 1 + config.retries();
            failuresInGroup = 0;
        }

        int promptTokens() {
            if (prompt < 0) {
                prompt = needsSize() ? size.promptTokens().getAsInt() : 0;
            }
            return prompt;
        }

        private boolean needsSize() {
            for (Deployment d : group) {
                if (d.config().contextWindow() != null || d.config().tpm() != null) {
                    return true;
                }
            }
            return false;
        }

        void next() {
            if (exchange.isCancelled()) {
                promise.tryFail(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The client went away."));
                return;
            }
            int promptTokens = promptTokens();
            int reserve = promptTokens == 0 ? 0 : promptTokens + size.maxOutputTokens();
            long releases = queue.releases();
            Pick pick = router.pick(groupName, group, exchange.hints(), tried, promptTokens, reserve, System.nanoTime());
            switch (pick) {
                case Pick.Chosen chosen -> call(chosen.state(), reserve);
                case Pick.Saturated saturated -> waitForRoom(saturated.retryNanos(), releases);
                case Pick.Unavailable unavailable -> {
                    if (lastError == null || exchange.attempts() == 0) {
                        lastError = unavailable.reason(); // an upstream's own failure says more; keep that
                    }
                    nextGroup(unavailable.reason());
                }
            }
        }

        void call(DeploymentState state, int reserve) {
            Deployment d = state.deployment();
            tried.add(d.id());
            exchange.attempted(d.id());
            Lease lease = new Lease(state, router.state().residency(), queue, reserve);
            Future<T> result;
            try {
                result = attempt.call(d, lease);
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            result.onComplete(ar -> {
                if (ar.succeeded()) {
                    lease.firstByte();
                    promise.tryComplete(ar.result());
                    return;
                }
                GatewayError error = ar.cause() instanceof GatewayError ge ? ge
                        : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream call failed.").asRetryable();
                if (exchange.isCancelled()) {
                    lease.abandoned();
                    promise.tryFail(error);
                    return;
                }
                lease.failed(error);
                failed(error);
            });
        }

        void failed(GatewayError error) {
            lastError = error;
            failuresInGroup++;
            if (!error.retryable()) {
                // The request itself is the problem; another deployment would say the same, except
                // that a prompt too long or refused content has fallbacks of its own.
                if ("context_length_exceeded".equals(error.code())) {
                    switchFallbacks(config.contextWindowFallbacks());
                    nextGroup(error);
                } else if ("content_policy_violation".equals(error.code())) {
                    switchFallbacks(config.contentPolicyFallbacks());
                    nextGroup(error);
                } else {
                    promise.tryFail(error);
                }
                return;
            }
            triesLeft--;
            if (triesLeft <= 0) {
                nextGroup(error);
                return;
            }
            long now = System.nanoTime();
            if (router.hasUntried(group, exchange.hints(), tried, promptTokens(), now)) {
                next(); // another deployment is fresh: fail over at once
                return;
            }
            if (error.failoverOnly()) {
                nextGroup(error); // its key or model is the problem: asking it again would not help
                return;
            }
            long delay = backoffMillis(failuresInGroup);
            if (error.retryAfterSeconds() != null) {
                long asked = error.retryAfterSeconds() * 1000;
                if (asked > MAX_RETRY_AFTER_MILLIS) {
                    nextGroup(error);
                    return;
                }
                delay = Math.max(delay, asked);
            }
            if (delay >= exchange.millisLeft()) {
                nextGroup(error);
                return;
            }
            vertx.setTimer(delay, t -> next());
        }

        /** A prompt too long or refused content: from now on the matching fallback list applies instead. */
        void switchFallbacks(java.util.Map<String, List<String>> lists) {
            if (!fallbacksSwitched) {
                fallbacksSwitched = true;
                fallbacks.clear();
                fallbacks.addAll(lists.getOrDefault(model, List.of()));
            }
        }

        void nextGroup(GatewayError reason) {
            if ("context_length_exceeded".equals(reason.code())) {
                switchFallbacks(config.contextWindowFallbacks());
            }
            while (!fallbacks.isEmpty()) {
                String name = fallbacks.poll();
                List<Deployment> deployments = router.group(name);
                if (!deployments.isEmpty() && !name.equals(groupName)) {
                    enterGroup(name, deployments);
                    prompt = -1;
                    next();
                    return;
                }
            }
            GatewayError last = lastError != null ? lastError : reason;
            if (exchange.hints().privateOnly() && exchange.attempts() > 0) {
                // Say why the healthy public deployments were never tried.
                last = new GatewayError(last.kind(), "This request is private, so only deployments marked private were tried, and they failed: "
                        + last.getMessage(), last.param(), last.code(), last.retryAfterSeconds());
            }
            promise.tryFail(last);
        }

        /** @param releasesSeen the queue's release count before the pick that found no room */
        void waitForRoom(long retryNanos, long releasesSeen) {
            long now = System.nanoTime();
            if (queueDeadline == 0) {
                queueDeadline = now + Math.min(config.queue().timeout().toNanos(), exchange.millisLeft() * 1_000_000L);
            }
            long left = queueDeadline - now;
            if (left <= 0) {
                promise.tryFail(overloaded(retryNanos, "waited " + config.queue().timeout().toMillis() + " ms in the queue"));
                return;
            }
            Context context = vertx.getOrCreateContext();
            boolean[] resumed = {false};
            long[] timer = {-1};
            Runnable resume = () -> {
                if (!resumed[0]) {
                    resumed[0] = true;
                    if (timer[0] >= 0) {
                        vertx.cancelTimer(timer[0]);
                    }
                    next();
                }
            };
            CapacityQueue.Waiter waiter = queue.enter(context, resume);
            if (waiter == null) {
                promise.tryFail(overloaded(retryNanos, "the queue is full"));
                return;
            }
            if (queue.releases() != releasesSeen && waiter.leave()) {
                // A slot freed between the pick and entering the queue, waking nobody: look again now.
                resume.run();
                return;
            }
            exchange.onCancel(() -> {
                if (waiter.leave()) {
                    resumed[0] = true;
                    vertx.cancelTimer(timer[0]);
                    promise.tryFail(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The client went away."));
                }
            });
            // Rate windows free up with time, not with releases: look again when they should.
            long wait = retryNanos > 0 ? Math.min(retryNanos, left) : left;
            timer[0] = vertx.setTimer(Math.max(1, wait / 1_000_000), t -> {
                timer[0] = -1;
                if (waiter.leave()) {
                    resume.run();
                }
            });
        }

        GatewayError overloaded(long retryNanos, String why) {
            long retryAfter = Math.max(1, (retryNanos + 999_999_999L) / 1_000_000_000L);
            return new GatewayError(ErrorKind.OVERLOADED, "Every deployment of '" + GatewayError.quote(groupName)
                    + "' is at its limits (" + why + "). Retry later.", null, "overloaded", retryAfter);
        }
    }

    /** Exponential backoff with full jitter: up to base * 2^(n-1), at least half of it. */
    static long backoffMillis(int failures) {
        long ceiling = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_BASE_MILLIS << Math.min(10, Math.max(0, failures - 1)));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
