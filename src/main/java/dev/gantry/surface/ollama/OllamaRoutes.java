package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Authenticator;
import dev.gantry.auth.CidrMatcher;
import dev.gantry.auth.Principal;
import dev.gantry.config.GantryConfig;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.ChatCall;
import dev.gantry.pipeline.Exchange;
import dev.gantry.pipeline.Gateway;
import dev.gantry.provider.RawSink;
import dev.gantry.route.ModelRegistry.ModelInfo;
import dev.gantry.surface.http.RelaySink;
import dev.gantry.surface.http.Fields;
import dev.gantry.surface.http.JsonBodies;
import dev.gantry.surface.http.RequestScope;
import dev.gantry.surface.ollama.OllamaErrors.Endpoint;
import dev.gantry.surface.ollama.OllamaJson.Shape;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ollama-native surface (PROTOCOLS.md section 3), so ollama clients and Open WebUI can use
 * Gantry as their {@code OLLAMA_HOST}. Every public model is served here, whichever provider
 * backs it; a request for an Ollama node is relayed without translation.
 */
public final class OllamaRoutes {

    private static final Logger log = LoggerFactory.getLogger(OllamaRoutes.class);

    /** A plausible recent Ollama version: clients gate features on it. */
    static final String VERSION = "0.12.6";
    private static final String JSON = "application/json; charset=utf-8";
    private static final List<String> MANAGEMENT = List.of("/api/pull", "/api/push", "/api/create", "/api/copy", "/api/delete",
            "/api/blobs/*");

    private final Gateway gateway;
    private final GatewayMetrics metrics;
    private final long maxBody;
    private final CidrMatcher keyless;

    public OllamaRoutes(Gateway gateway, GatewayMetrics metrics, long maxBody, GantryConfig.OllamaSurface config) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.maxBody = maxBody;
        this.keyless = CidrMatcher.of(config.keylessNetworks());
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);
        AuthGate auth = this::authenticate;
        router.get("/").handler(OllamaRoutes::running);
        router.head("/").handler(OllamaRoutes::running);
        router.get("/api/version").handler(ctx -> json(ctx.response(), OllamaJson.object(g -> g.writeStringField("version", VERSION), false)));
        router.post("/api/chat").handler(auth).handler(body).handler(this::chat).failureHandler(this::failure);
        router.post("/api/generate").handler(auth).handler(body).handler(this::generate).failureHandler(this::failure);
        router.post("/api/embed").handler(auth).handler(body).handler(this::embed).failureHandler(this::failure);
        router.post("/api/embeddings").handler(auth).handler(body).handler(this::legacyEmbeddings).failureHandler(this::failure);
        router.post("/api/show").handler(auth).handler(body).handler(this::show).failureHandler(this::failure);
        router.get("/api/tags").handler(auth).handler(ctx -> json(ctx.response(), OllamaCatalog.tags(gateway.models(exchange(ctx)))))
                .failureHandler(this::failure);
        router.get("/api/ps").handler(auth).handler(ctx -> json(ctx.response(), OllamaCatalog.ps())).failureHandler(this::failure);
        for (String path : MANAGEMENT) {
            router.route(path).handler(ctx -> OllamaErrors.send(ctx.response(), GatewayError.of(ErrorKind.FORBIDDEN,
                    "Gantry routes requests to models but does not pull, push, create, copy or delete them; manage models "
                            + "on the Ollama nodes, and Gantry picks up what they serve.")));
        }
        // Known paths with the wrong method: 405 in Ollama's shape, instead of the default handler's.
        methodNotAllowed(router, "GET, HEAD", "/");
        methodNotAllowed(router, "GET", "/api/version", "/api/tags", "/api/ps");
        methodNotAllowed(router, "POST", "/api/chat", "/api/generate", "/api/embed", "/api/embeddings", "/api/show");
    }

    // ---------------------------------------------------------------- auth

    /**
     * Authentication runs before the body is read (as on the OpenAI surface): a platform handler
     * comes before the body handler. A request without any key is let in with the master key's
     * rights only when it comes from a network listed in {@code surfaces.ollama.keyless_networks};
     * the socket's address decides, never a forwarding header a client could write itself.
     */
    @FunctionalInterface
    private interface AuthGate extends PlatformHandler {
    }

    private void authenticate(RoutingContext ctx) {
        // Every body here is JSON, whatever the client declared (curl -d says form-urlencoded).
        String contentType = ctx.request().getHeader("content-type");
        if (contentType != null && !contentType.regionMatches(true, 0, "application/json", 0, 16)) {
            ctx.request().headers().set("content-type", "application/json");
        }
        Exchange exchange = RequestScope.open(ctx, routeName(ctx.request().path()), metrics);
        ctx.put(Exchange.class.getName(), exchange);
        String token = Authenticator.bearerToken(ctx.request().getHeader("authorization"));
        if ((token == null || token.isEmpty()) && fromKeylessNetwork(ctx)) { // "Bearer " with no key counts as none
            exchange.principal(Principal.MASTER);
            ctx.next();
            return;
        }
        try {
            gateway.authenticate(exchange, token);
        } catch (GatewayError e) {
            OllamaErrors.send(ctx.response(), e);
            return;
        }
        ctx.next();
    }

    private boolean fromKeylessNetwork(RoutingContext ctx) {
        if (keyless.isEmpty()) {
            return false;
        }
        SocketAddress remote = ctx.request().remoteAddress();
        return remote != null && keyless.matches(remote.hostAddress());
    }

    private static String routeName(String path) {
        return switch (path) {
            case "/api/chat" -> "ollama_chat";
            case "/api/generate" -> "ollama_generate";
            case "/api/embed", "/api/embeddings" -> "ollama_embed";
            default -> "ollama_models";
        };
    }

    private static Exchange exchange(RoutingContext ctx) {
        return ctx.get(Exchange.class.getName());
    }

    // ---------------------------------------------------------------- chat and generate

    private void chat(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        ObjectNode body;
        String clientModel;
        ChatRequest request;
        try {
            body = JsonBodies.parseObject(ctx.body().buffer());
            clientModel = OllamaChatParser.model(body);
            request = OllamaChatParser.parse(body, publicModel(clientModel, Endpoint.CHAT));
        } catch (GatewayError e) {
            OllamaErrors.send(response, e);
            return;
        }
        if (request.messages().isEmpty()) {
            loaded(response, clientModel, Shape.CHAT, OllamaOptions.unloads(body));
            return;
        }
        run(ctx, request, clientModel, Shape.CHAT, body,
                (channel, usage) -> new RelaySink(response, channel, request.stream(), "application/json; charset=utf-8", usage));
    }

    private void generate(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        ObjectNode body;
        String clientModel;
        OllamaGenerateParser.Parsed parsed;
        try {
            body = JsonBodies.parseObject(ctx.body().buffer());
            clientModel = OllamaChatParser.model(body);
            parsed = OllamaGenerateParser.parse(body, clientModel, publicModel(clientModel, Endpoint.CHAT));
        } catch (GatewayError e) {
            OllamaErrors.send(response, e);
            return;
        }
        if (parsed.load()) {
            loaded(response, clientModel, Shape.GENERATE, OllamaOptions.unloads(body));
            return;
        }
        boolean stream = parsed.request().stream();
        run(ctx, parsed.request(), clientModel, Shape.GENERATE, parsed.chatBody(),
                (channel, usage) -> new GenerateRelaySink(response, channel, stream, clientModel, usage));
    }

    @FunctionalInterface
    private interface RelayFactory {
        RawSink create(NdjsonChannel channel, Consumer<Usage> usage);
    }

    /**
     * One path for both endpoints: an Ollama node gets {@code rawBody} (an {@code /api/chat} body)
     * relayed; any other provider gets the canonical request, answered as NDJSON or one object.
     */
    private void run(RoutingContext ctx, ChatRequest request, String clientModel, Shape shape, ObjectNode rawBody,
                     RelayFactory relay) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        NdjsonChannel channel = new NdjsonChannel(response, exchange);
        // Spend accounting will hang off the same hook (issue 6); today usage feeds the token metrics.
        Consumer<Usage> usage = u -> metrics.tokens(exchange.model(), u.inputTokens(), u.outputTokens());
        ChatCall call = new ChatCall(request, "ollama", rawBody,
                () -> request.stream()
                        ? new OllamaStreamWriter(channel, shape, clientModel, exchange.startNanos(), usage)
                        : new OllamaResponseCollector(response, shape, clientModel, exchange.startNanos(), usage),
                () -> relay.create(channel, usage));
        gateway.chat(exchange, call)
                .onSuccess(channel::control)
                .onFailure(e -> OllamaErrors.send(response, OllamaErrors.forModel(e, clientModel, Endpoint.CHAT)));
    }

    /**
     * An empty {@code messages} / {@code prompt} asks Ollama to load (or, with keep_alive 0, unload)
     * the model. Gantry answers it itself: which node serves the next request is decided then.
     * Like Ollama, the answer is one plain JSON object even when streaming was asked for.
     */
    private static void loaded(HttpServerResponse response, String clientModel, Shape shape, boolean unload) {
        json(response, OllamaJson.object(g -> {
            OllamaJson.head(g, clientModel);
            OllamaJson.body(g, shape, "", null, null);
            g.writeStringField("done_reason", unload ? "unload" : "load");
            g.writeBooleanField("done", true);
        }, false));
    }

    // ---------------------------------------------------------------- embeddings

    private void embed(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        String clientModel;
        EmbeddingRequest request;
        try {
            ObjectNode body = JsonBodies.parseObject(ctx.body().buffer());
            clientModel = OllamaChatParser.model(body);
            String model = publicModel(clientModel, Endpoint.EMBED);
            request = OllamaEmbeddings.embed(body, model, OllamaEmbeddings.inputs(body));
        } catch (GatewayError e) {
            OllamaErrors.send(response, e);
            return;
        }
        if (request.inputs().isEmpty()) {
            json(response, OllamaEmbeddings.renderEmbed(clientModel, new EmbeddingResponse(List.of(), 0), 0));
            return;
        }
        embed(exchange, request, clientModel, response,
                v -> OllamaEmbeddings.renderEmbed(clientModel, v, System.nanoTime() - exchange.startNanos()));
    }

    private void legacyEmbeddings(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        String clientModel;
        String prompt;
        String model;
        try {
            ObjectNode body = JsonBodies.parseObject(ctx.body().buffer());
            clientModel = OllamaChatParser.model(body);
            model = publicModel(clientModel, Endpoint.EMBED);
            prompt = Fields.optionalString(body, "prompt", "prompt");
        } catch (GatewayError e) {
            OllamaErrors.send(response, e);
            return;
        }
        if (prompt == null || prompt.isEmpty()) {
            json(response, OllamaEmbeddings.renderLegacy(new float[0]));
            return;
        }
        embed(exchange, new EmbeddingRequest(model, List.of(prompt), null), clientModel, response,
                v -> OllamaEmbeddings.renderLegacy(v.vectors().get(0)));
    }

    private void embed(Exchange exchange, EmbeddingRequest request, String clientModel, HttpServerResponse response,
                       Function<EmbeddingResponse, Buffer> render) {
        gateway.embed(exchange, request)
                .onSuccess(vectors -> {
                    metrics.tokens(exchange.model(), vectors.promptTokens(), 0);
                    if (!response.closed() && !response.ended()) {
                        json(response, render.apply(vectors));
                    }
                })
                .onFailure(e -> OllamaErrors.send(response, OllamaErrors.forModel(e, clientModel, Endpoint.EMBED)));
    }

    // ---------------------------------------------------------------- models

    private void show(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        try {
            ObjectNode body = JsonBodies.parseObject(ctx.body().buffer());
            // Old clients send "name"; current ones "model".
            String clientModel = OllamaChatParser.model(body, body.hasNonNull("model") || !body.hasNonNull("name") ? "model" : "name");
            String name = publicModel(clientModel, Endpoint.SHOW);
            for (ModelInfo m : gateway.models(exchange(ctx))) {
                if (m.name().equals(name)) {
                    json(response, OllamaCatalog.show(m));
                    return;
                }
            }
            throw OllamaErrors.unknownModel(clientModel, Endpoint.SHOW); // withdrawn between the two looks
        } catch (GatewayError e) {
            OllamaErrors.send(response, e);
        }
    }

    /** @throws GatewayError 404 in Ollama's words when Gantry serves no such model */
    private String publicModel(String clientModel, Endpoint endpoint) {
        String name = OllamaNames.resolve(clientModel, gateway.models());
        if (name == null) {
            throw OllamaErrors.unknownModel(clientModel, endpoint);
        }
        return name;
    }

    // ---------------------------------------------------------------- plain answers

    private static void running(RoutingContext ctx) {
        HttpServerResponse response = ctx.response().putHeader("content-type", "text/plain; charset=utf-8");
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.end(); // clients probe with HEAD; a body there would corrupt a kept-alive connection
        } else {
            response.end("Ollama is running");
        }
    }

    private static void json(HttpServerResponse response, Buffer body) {
        response.putHeader("content-type", JSON).end(body);
    }

    private static void methodNotAllowed(Router router, String allow, String... paths) {
        for (String path : paths) {
            router.route(path).handler(ctx -> ctx.response().setStatusCode(405).putHeader("allow", allow)
                    .putHeader("content-type", JSON).end(OllamaErrors.body("405 method not allowed")));
        }
    }

    /** Body-handler failures (413, unreadable bodies) and anything unexpected, in Ollama's error shape. */
    private void failure(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
            return;
        }
        if (ctx.failure() instanceof GatewayError ge) {
            OllamaErrors.send(response, ge);
        } else if (ctx.statusCode() == 413) {
            OllamaErrors.send(response, GatewayError.of(ErrorKind.BODY_TOO_LARGE,
                    "The request body is larger than the gateway's limit (limits.max_body)."));
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            OllamaErrors.send(response, GatewayError.badRequest("The request could not be read.", null));
        } else {
            log.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            response.setStatusCode(500).putHeader("content-type", JSON).end(OllamaErrors.body("Internal gateway error."));
        }
    }
}
