package dev.gantry.pipeline;

import dev.gantry.auth.Authenticator;
import dev.gantry.auth.Principal;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.StreamControl;
import dev.gantry.route.Deployment;
import dev.gantry.route.Dispatcher;
import dev.gantry.route.Lease;
import dev.gantry.route.Router;
import java.util.concurrent.CompletionStage;
import dev.gantry.route.ModelRegistry;
import dev.gantry.route.ProviderType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * The request path every surface calls: authenticate, route (with retries and fallbacks), call
 * the provider. Reading this class tells the whole story of a request; later stages (limits,
 * guards, cache, accounting) slot in here.
 */
public final class Gateway {

    private final Authenticator authenticator;
    private final Dispatcher dispatcher;
    private final ModelRegistry registry;
    private final Map<ProviderType, Provider> providers;
    private final Accounting accounting;
    private final Admission admission;

    public Gateway(Authenticator authenticator, Dispatcher dispatcher, ModelRegistry registry, Map<ProviderType, Provider> providers,
                   Accounting accounting, Admission admission) {
        this.admission = admission;
        this.authenticator = authenticator;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.providers = Map.copyOf(providers);
        this.accounting = accounting;
    }

    /** @throws dev.gantry.model.GatewayError 401 when the key is missing or wrong */
    public void authenticate(Exchange exchange, String token) {
        exchange.principal(authenticator.authenticate(token));
    }

    /**
     * Routes and runs a chat call. The future completes once an upstream accepted it (the answer
     * then flows into one of the call's sinks) or fails with a {@link dev.gantry.model.GatewayError}
     * before anything was written to the client.
     */
    public Future<StreamControl> chat(Exchange exchange, ChatCall call) {
        RequestTags.apply(exchange, call);
        ChatRequest request = call.request();
        GatewayError refused = access(exchange, request.model());
        if (refused != null) {
            return Future.failedFuture(refused);
        }
        List<Deployment> group = dispatcher.group(request.model());
        if (group.isEmpty()) {
            return Future.failedFuture(Router.modelNotFound(request.model()));
        }
        int maxTokens = request.maxTokens() == null ? 0 : request.maxTokens();
        Dispatcher.Size size = new Dispatcher.Size(() -> PromptSize.estimate(request), maxTokens);
        return admission.admit(exchange, group, () -> PromptSize.estimate(request), maxTokens).compose(admitted -> route(exchange, call, size));
    }

    private Future<StreamControl> route(Exchange exchange, ChatCall call, Dispatcher.Size size) {
        ChatRequest request = call.request();
        return dispatcher.dispatch(exchange, request.model(), size, (deployment, lease) -> {
            AttemptEnd end = attemptEnd(exchange, deployment, lease, request);
            Provider provider = provider(deployment);
            if (call.canRelay() && provider instanceof PassThrough pt && pt.wireApi().equals(call.wireApi())) {
                return pt.relayChat(exchange, deployment, call.rawBody(), request, new LeasedRawSink(call.rawSink(), end, request.stream()));
            }
            return provider.chat(exchange, deployment, request, new LeasedChunkSink(call.translatedSink(), end));
        });
    }

    public Future<EmbeddingResponse> embed(Exchange exchange, EmbeddingRequest request) {
        GatewayError refused = access(exchange, request.model());
        if (refused != null) {
            return Future.failedFuture(refused);
        }
        List<Deployment> group = dispatcher.group(request.model());
        if (group.isEmpty()) {
            return Future.failedFuture(Router.modelNotFound(request.model()));
        }
        long inputChars = request.inputs().stream().mapToLong(String::length).sum();
        return admission.admit(exchange, group, () -> (inputChars + 3) / 4, 1).compose(admitted -> embedRouted(exchange, request));
    }

    private Future<EmbeddingResponse> embedRouted(Exchange exchange, EmbeddingRequest request) {
        return dispatcher.dispatch(exchange, request.model(), Dispatcher.Size.UNKNOWN, (deployment, lease) ->
                provider(deployment).embed(exchange, deployment, request).compose(r -> {
                    lease.succeeded(new Usage(r.promptTokens(), 0, false));
                    CompletionStage<Void> durable = accounting.embeddingEnded(exchange, deployment, r.promptTokens());
                    admission.settle(exchange, r.promptTokens(), exchange.costNanos());
                    return Future.fromCompletionStage(durable,
                            Vertx.currentContext()).transform(ignored -> Future.succeededFuture(r));
                }));
    }

    /** 403 when the caller's key, team or user does not allow this model. */
    private static GatewayError access(Exchange exchange, String model) {
        Principal principal = exchange.principal();
        if (principal == null || principal.mayUse(model)) {
            return null;
        }
        return new GatewayError(ErrorKind.FORBIDDEN, "This API key may not use the model '" + GatewayError.quote(model)
                + "'. GET /v1/models lists the models it may use.", "model", "model_not_allowed", null);
    }

    private AttemptEnd attemptEnd(Exchange exchange, Deployment deployment, Lease lease, ChatRequest request) {
        return new AttemptEnd() {
            @Override
            public CompletionStage<Void> succeeded(Usage usage, long outputChars) {
                Accounting.Settled settled = accounting.chatEnded(exchange, deployment, request, usage, outputChars);
                lease.succeeded(settled.usage());
                admission.settle(exchange, settled.usage().inputTokens() + settled.usage().outputTokens(), exchange.costNanos());
                return settled.durable();
            }

            @Override
            public void failed(GatewayError error) {
                if (exchange.isCancelled()) {
                    lease.abandoned();
                } else {
                    lease.failed(error);
                }
            }
        };
    }

    private Provider provider(Deployment deployment) {
        Provider p = providers.get(deployment.provider());
        if (p == null) {
            throw dev.gantry.model.GatewayError.of(dev.gantry.model.ErrorKind.UPSTREAM_ERROR,
                    "This gateway has no " + deployment.provider().id() + " provider.");
        }
        return p;
    }

    /** Every public model name. */
    public List<ModelRegistry.ModelInfo> models() {
        return registry.list();
    }

    /** The public model names this request's caller may use. */
    public List<ModelRegistry.ModelInfo> models(Exchange exchange) {
        Principal principal = exchange.principal();
        if (principal == null || principal.isMaster()) {
            return registry.list();
        }
        return registry.list().stream().filter(m -> principal.mayUse(m.name())).toList();
    }
}
