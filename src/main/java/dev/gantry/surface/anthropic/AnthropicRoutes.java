package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Authenticator;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.ChatCall;
import dev.gantry.pipeline.Exchange;
import dev.gantry.pipeline.Gateway;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.StreamControl;
import dev.gantry.surface.http.RelaySink;
import dev.gantry.surface.http.JsonBodies;
import dev.gantry.surface.http.RequestScope;
import dev.gantry.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Anthropic Messages surface (PROTOCOLS.md section 2): {@code POST /v1/messages}, whole or
 * streamed, and {@code POST /v1/messages/count_tokens}. Errors are in Anthropic's shape on every
 * path, including the body handler's 413 and unreadable bodies.
 */
public final class AnthropicRoutes {

    private static final Logger log = LoggerFactory.getLogger(AnthropicRoutes.class);

    /** Silence after which a started stream gets an {@code event: ping} (PROTOCOLS.md section 6.2). */
    static final long HEARTBEAT_MILLIS = 15_000;

    private final Gateway gateway;
    private final GatewayMetrics metrics;
    private final long maxBody;

    public AnthropicRoutes(Gateway gateway, GatewayMetrics metrics, long maxBody) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.maxBody = maxBody;
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);
        AuthGate auth = this::authenticate;
        router.post("/v1/messages").handler(auth).handler(body).handler(this::messages).failureHandler(this::failed);
        router.post("/v1/messages/count_tokens").handler(auth).handler(body).handler(this::countTokens).failureHandler(this::failed);
    }

    /** Runs before the body handler (see OpenAiRoutes): a request without a valid key never has its body read. */
    @FunctionalInterface
    private interface AuthGate extends PlatformHandler {
    }

    private void authenticate(RoutingContext ctx) {
        // Every body here is JSON, whatever the client declared; a form type would make the body
        // handler decode form fields and fail large bodies with a bare 400 instead of our 413.
        String contentType = ctx.request().getHeader("content-type");
        if (contentType != null && !contentType.regionMatches(true, 0, "application/json", 0, 16)) {
            ctx.request().headers().set("content-type", "application/json");
        }
        Exchange exchange = RequestScope.open(ctx, ctx.request().path().endsWith("/count_tokens") ? "count_tokens" : "messages", metrics);
        ctx.response().putHeader("request-id", exchange.requestId());
        ctx.put(Exchange.class.getName(), exchange);
        try {
            gateway.authenticate(exchange, apiKey(ctx));
        } catch (GatewayError e) {
            AnthropicErrors.send(ctx.response(), e, exchange.requestId());
            return;
        }
        ctx.next();
    }

    /** {@code x-api-key} (Anthropic's own header) or {@code Authorization: Bearer} (newer SDKs, auth tokens). */
    private static String apiKey(RoutingContext ctx) {
        String key = ctx.request().getHeader("x-api-key");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        String bearer = Authenticator.bearerToken(ctx.request().getHeader("authorization"));
        if (bearer == null || bearer.isEmpty()) {
            throw new GatewayError(ErrorKind.UNAUTHORIZED,
                    "Missing API key. Send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'.", null, "invalid_api_key", null);
        }
        return bearer;
    }

    private static Exchange exchange(RoutingContext ctx) {
        return ctx.get(Exchange.class.getName());
    }

    private void messages(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        ObjectNode body;
        AnthropicRequest parsed;
        try {
            body = JsonBodies.parseObject(ctx.body().buffer());
            parsed = MessagesParser.parse(body, false);
        } catch (GatewayError e) {
            AnthropicErrors.send(response, e, exchange.requestId());
            return;
        }
        var request = parsed.chat();
        long estimate = TokenEstimate.inputTokens(request);
        // Spend accounting will hang off the same hook (issue 6); today usage feeds the token metrics.
        Consumer<Usage> usage = u -> metrics.tokens(exchange.model(), u.inputTokens(), u.outputTokens());
        // Relayed streams carry the upstream's own pings, so only translated streams get a heartbeat.
        AnthropicSseChannel relayChannel = new AnthropicSseChannel(response, exchange, null, 0);
        AnthropicSseChannel[] translatedChannel = {null};
        ChatCall call = new ChatCall(request, "anthropic", body,
                () -> translatedSink(ctx, exchange, parsed, estimate, usage, translatedChannel),
                () -> new RelaySink(response, relayChannel, request.stream(), "application/json", usage));
        Future<StreamControl> started;
        try {
            started = gateway.chat(exchange, call);
        } catch (GatewayError e) {
            AnthropicErrors.send(response, e, exchange.requestId());
            return;
        }
        started.onSuccess(control -> {
                    relayChannel.control(control);
                    if (translatedChannel[0] != null) {
                        translatedChannel[0].control(control);
                    }
                })
                .onFailure(e -> AnthropicErrors.send(response, asGatewayError(e), exchange.requestId()));
    }

    /**
     * The sink for a provider that is not Anthropic. Chosen only once the deployment is known, so
     * it is also where a request using Anthropic-only features is refused (400) for such a provider.
     */
    private ChunkSink translatedSink(RoutingContext ctx, Exchange exchange, AnthropicRequest parsed, long estimate,
                                     Consumer<Usage> usage, AnthropicSseChannel[] channelOut) {
        if (!parsed.anthropicOnly().isEmpty()) {
            throw GatewayError.badRequest("This request uses " + String.join(", ", parsed.anthropicOnly())
                    + ", which only a deployment with provider 'anthropic' can serve, and model '"
                    + GatewayError.quote(parsed.chat().model()) + "' is served by another provider.", null);
        }
        var request = parsed.chat();
        if (!request.stream()) {
            return new AnthropicMessageCollector(ctx.response(), exchange, request.model(), parsed.thinking(), estimate, usage);
        }
        AnthropicSseChannel channel = new AnthropicSseChannel(ctx.response(), exchange, ctx.vertx(), HEARTBEAT_MILLIS);
        channelOut[0] = channel;
        return new AnthropicStreamWriter(channel, new EventEncoder(AnthropicJson.messageId(), request.model()),
                parsed.thinking(), estimate, usage);
    }

    /** {@code {"input_tokens": N}}: Gantry's estimate (see {@link TokenEstimate}); no upstream is called. */
    private void countTokens(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        HttpServerResponse response = ctx.response();
        long tokens;
        try {
            tokens = TokenEstimate.inputTokens(MessagesParser.parse(JsonBodies.parseObject(ctx.body().buffer()), true).chat());
        } catch (GatewayError e) {
            AnthropicErrors.send(response, e, exchange.requestId());
            return;
        }
        response.putHeader("content-type", "application/json").end(Buffer.buffer("{\"input_tokens\":" + tokens + "}"));
    }

    /** Failures of the body handler (413, unreadable body) and anything unexpected, in Anthropic's shape. */
    private void failed(RoutingContext ctx) {
        Exchange exchange = exchange(ctx);
        String requestId = exchange == null ? null : exchange.requestId();
        GatewayError error;
        if (ctx.failure() instanceof GatewayError ge) {
            error = ge;
        } else if (ctx.statusCode() == 413) {
            error = GatewayError.of(ErrorKind.BODY_TOO_LARGE, "The request body is larger than the gateway's limit (limits.max_body).");
        } else if (ctx.statusCode() == 400) {
            error = GatewayError.badRequest("The request could not be read.", null);
        } else {
            log.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            AnthropicErrors.send(ctx.response(), GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Internal gateway error."), requestId, 500);
            return;
        }
        AnthropicErrors.send(ctx.response(), error, requestId);
    }

    static GatewayError asGatewayError(Throwable t) {
        return t instanceof GatewayError ge ? ge : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream call failed.");
    }
}
