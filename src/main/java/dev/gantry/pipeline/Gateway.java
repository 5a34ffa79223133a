package dev.gantry.pipeline;

import dev.gantry.auth.Authenticator;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.StreamControl;
import dev.gantry.route.Deployment;
import dev.gantry.route.Dispatcher;
import dev.gantry.route.ModelRegistry;
import dev.gantry.route.ProviderType;
import io.vertx.core.Future;
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

    public Gateway(Authenticator authenticator, Dispatcher dispatcher, ModelRegistry registry, Map<ProviderType, Provider> providers) {
        this.authenticator = authenticator;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.providers = Map.copyOf(providers);
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
        Dispatcher.Size size = new Dispatcher.Size(() -> PromptSize.estimate(call.request()),
                call.request().maxTokens() == null ? 0 : call.request().maxTokens());
        return dispatcher.dispatch(exchange, call.request().model(), size, (deployment, lease) -> {
            Provider provider = provider(deployment);
            if (call.canRelay() && provider instanceof PassThrough pt && pt.wireApi().equals(call.wireApi())) {
                return pt.relayChat(exchange, deployment, call.rawBody(), call.request(),
                        new LeasedRawSink(call.rawSink(), lease, exchange));
            }
            return provider.chat(exchange, deployment, call.request(), new LeasedChunkSink(call.translatedSink(), lease, exchange));
        });
    }

    public Future<EmbeddingResponse> embed(Exchange exchange, EmbeddingRequest request) {
        return dispatcher.dispatch(exchange, request.model(), Dispatcher.Size.UNKNOWN, (deployment, lease) ->
                provider(deployment).embed(exchange, deployment, request).onSuccess(r -> lease.succeeded(new dev.gantry.model.Usage(r.promptTokens(), 0, false))));
    }

    private Provider provider(Deployment deployment) {
        Provider p = providers.get(deployment.provider());
        if (p == null) {
            throw dev.gantry.model.GatewayError.of(dev.gantry.model.ErrorKind.UPSTREAM_ERROR,
                    "This gateway has no " + deployment.provider().id() + " provider.");
        }
        return p;
    }

    public List<ModelRegistry.ModelInfo> models() {
        return registry.list();
    }
}
