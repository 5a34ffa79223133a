package dev.gantry.surface.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Authenticator;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.ChatCall;
import dev.gantry.pipeline.Exchange;
import dev.gantry.pipeline.Gateway;
import dev.gantry.provider.Json;
import dev.gantry.route.ModelRegistry.ModelInfo;
import dev.gantry.surface.http.JsonBodies;
import dev.gantry.surface.http.RelaySink;
import dev.gantry.surface.http.RequestScope;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The OpenAI-compatible surface: chat completions, embeddings and models, with and without the {@code /v1} prefix. */
public final class OpenAiRoutes {

    private final Gateway gateway;
    private final GatewayMetrics metrics;
    private final long maxBody;

    public OpenAiRoutes(Gateway gateway, GatewayMetrics metrics, long maxBody) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.maxBody = maxBody;
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);
        AuthGate auth = this::authenticate;
        for (String prefix : new String[] {"/v1", ""}) {
            router.post(prefix + "/chat/completions").handler(auth).handler(body).handler(this::chat);
            router.post(prefix + "/embeddings").handler(auth).handler(body).handler(this::embeddings);
            router.get(prefix + "/models").handler(auth).handler(this::listModels);
            router.get(prefix + "/models/*").handler(auth).handler(this::getModel);
        }
    }

    /**
     * Authentication runs before the body is read, so a request without a valid key never makes
     * us buffer its body. Vert.x Web orders handlers by kind and runs body handlers before user
     * handlers; marking this one a platform handler puts it first.
     */
    @FunctionalInterface
    private interface AuthGate extends PlatformHandler {
    }

    private void authenticate(RoutingContext ctx) {
        // Every body here is JSON, whatever the client declared (curl -d says form-urlencoded).
        // Left as a form type, the body handler would try to decode it as form fields and fail
        // on large bodies with a bare 400 instead of our 413 or JSON error.
        String contentType = ctx.request().getHeader("content-type");
        if (contentType != null && !contentType.regionMatches(true, 0, "application/json", 0, 16)) {
            ctx.request().headers().set("content-type", "application/json");
        }
        Exchange exchange = RequestScope.open(ctx, routeName(ctx), metrics);
        ctx.put(Exchange.class.getName(), exchange);
        try {
            gateway.authenticate(exchange, Authenticator.bearerToken(ctx.request().getHeader("authorization")));
        } catch (GatewayError e) {
            OpenAiErrors.send(ctx.response(), e);
            return;
        }
        ctx.next();
    }

    private static String routeName(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path.endsWith("/chat/completions")) {
            return "chat";
        }
        if (path.endsWith("/embeddings")) {
            return "embeddings";
        }
        return "models";
    }

    private static Exchange exchange(RoutingContext ctx) {
        return ctx.get(Exchange.class.getName());
    }

    private void chat(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        ObjectNode body;
        ChatRequest request;
        try {
            body = JsonBodies.parseObject(ctx.body().buffer());
            request = OpenAiChatParser.parse(body);
        } catch (GatewayError e) {
            OpenAiErrors.send(response, e);
            return;
        }
        SseChannel channel = new SseChannel(response, exchange);
        // Spend accounting will hang off the same hook (issue 6); today usage feeds the token metrics.
        OpenAiStreamWriter.UsageListener usage = u -> metrics.tokens(exchange.model(), u.inputTokens(), u.outputTokens());
        ChatCall call = new ChatCall(request, "openai", body,
                () -> request.stream()
                        ? new OpenAiStreamWriter(channel, new ChunkEncoder(OpenAiJson.completionId(), System.currentTimeMillis() / 1000, request.model()),
                                request.includeUsage(), usage)
                        : new OpenAiResponseCollector(response, request.model(), usage),
                () -> new RelaySink(response, channel, request.stream(), "application/json", usage::onUsage));
        gateway.chat(exchange, call)
                .onSuccess(channel::control)
                .onFailure(e -> OpenAiErrors.send(response, asGatewayError(e)));
    }

    private void embeddings(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        OpenAiEmbeddingsCodec.Parsed parsed;
        try {
            parsed = OpenAiEmbeddingsCodec.parse(JsonBodies.parseObject(ctx.body().buffer()));
        } catch (GatewayError e) {
            OpenAiErrors.send(response, e);
            return;
        }
        gateway.embed(exchange, parsed.request())
                .onSuccess(vectors -> {
                    if (!response.closed() && !response.ended()) {
                        response.putHeader("content-type", "application/json")
                                .end(OpenAiEmbeddingsCodec.render(vectors, parsed.request().model(), parsed.base64()));
                    }
                })
                .onFailure(e -> OpenAiErrors.send(response, asGatewayError(e)));
    }

    private void listModels(RoutingContext ctx) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (ModelInfo m : gateway.models(exchange(ctx))) {
                writeModel(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.response().putHeader("content-type", "application/json").end(Buffer.buffer(out.toByteArray()));
    }

    private void getModel(RoutingContext ctx) {
        String path = ctx.request().path();
        String id = URLDecoder.decode(path.substring(path.indexOf("/models/") + "/models/".length()), StandardCharsets.UTF_8);
        for (ModelInfo m : gateway.models(exchange(ctx))) {
            if (m.name().equals(id)) {
                ByteArrayBuilder out = new ByteArrayBuilder(256);
                try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                    writeModel(g, m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                ctx.response().putHeader("content-type", "application/json").end(Buffer.buffer(out.toByteArray()));
                return;
            }
        }
        OpenAiErrors.send(ctx.response(), new GatewayError(ErrorKind.NOT_FOUND,
                "The model '" + GatewayError.quote(id) + "' does not exist or is not served by this gateway.", "model", "model_not_found", null));
    }

    private static void writeModel(JsonGenerator g, ModelInfo m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.name());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.createdEpochSeconds());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    static GatewayError asGatewayError(Throwable t) {
        return t instanceof GatewayError ge ? ge : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream call failed.");
    }
}
