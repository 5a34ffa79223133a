package dev.gantry.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Authenticator;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.PassThrough;
import dev.gantry.provider.Provider;
import dev.gantry.provider.RawSink;
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

    /** What a chat call will do, decided before anything is sent upstream. */
    public record ChatPlan(Deployment deployment, boolean passThrough) {}

    /**
     * Chooses the deployment and whether the raw body can be relayed as it is ({@code wireApi} is
     * the client's API; pass-through needs the provider to speak that same API).
     */
    public ChatPlan plan(Exchange exchange, ChatRequest request, String wireApi) {
        Deployment deployment = router.pick(request.model());
        exchange.model(request.model()); // only names that resolved become metric labels
        Provider provider = providers.get(deployment.provider());
        boolean passThrough = provider instanceof PassThrough pt && pt.wireApi().equals(wireApi);
        return new ChatPlan(deployment, passThrough);
    }

    public Future<StreamControl> chat(Exchange exchange, ChatPlan plan, ChatRequest request, ChunkSink sink) {
        return providers.get(plan.deployment().provider()).chat(exchange, plan.deployment(), request, sink);
    }

    public Future<StreamControl> relayChat(Exchange exchange, ChatPlan plan, ObjectNode body, boolean stream,
                                           boolean clientWantsUsage, RawSink sink) {
        PassThrough pt = (PassThrough) providers.get(plan.deployment().provider());
        return pt.relayChat(exchange, plan.deployment(), body, stream, clientWantsUsage, sink);
    }

    public Future<EmbeddingResponse> embed(Exchange exchange, EmbeddingRequest request) {
        Deployment deployment = router.pick(request.model());
        exchange.model(request.model());
        return providers.get(deployment.provider()).embed(exchange, deployment, request);
    }

    public List<ModelRegistry.ModelInfo> models() {
        return registry.list();
    }
}
