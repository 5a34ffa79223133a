package dev.gantry.pipeline;

import dev.gantry.auth.Authenticator;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.StreamControl;
import dev.gantry.route.Deployment;
import dev.gantry.route.ModelRegistry;
import dev.gantry.route.ProviderType;
import dev.gantry.route.Router;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * The request path every surface calls: authenticate, route, call the provider. Reading this
 * class tells the whole story of a request; later stages (limits, guards, cache, accounting)
 * slot in here.
 */
public final class Gateway {

    private final Authenticator authenticator;
    private final Router router;
    private final ModelRegistry registry;
    private final Map<ProviderType, Provider> providers;

    public Gateway(Authenticator authenticator, Router router, ModelRegistry registry, Map<ProviderType, Provider> providers) {
        this.authenticator = authenticator;
        this.router = router;
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
        Deployment deployment;
        try {
            deployment = router.pick(call.request().model());
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        exchange.model(call.request().model()); // only names that resolved become metric labels
        exchange.attempted(deployment.id());
        Provider provider = providers.get(deployment.provider());
        if (call.canRelay() && provider instanceof PassThrough pt && pt.wireApi().equals(call.wireApi())) {
            return pt.relayChat(exchange, deployment, call.rawBody(), call.request(), call.rawSink());
        }
        return provider.chat(exchange, deployment, call.request(), call.translatedSink());
    }

    public Future<EmbeddingResponse> embed(Exchange exchange, EmbeddingRequest request) {
        Deployment deployment;
        try {
            deployment = router.pick(request.model());
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        exchange.model(request.model());
        return providers.get(deployment.provider()).embed(exchange, deployment, request);
    }

    public List<ModelRegistry.ModelInfo> models() {
        return registry.list();
    }
}
