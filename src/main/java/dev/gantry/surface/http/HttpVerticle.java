package dev.gantry.surface.http;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.surface.openai.OpenAiErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server instance on its own event loop; Gantry deploys one per core and Vert.x spreads
 * connections across them. Unmatched routes and framework failures are answered as JSON errors.
 */
public final class HttpVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);

    private final String host;
    private final int port;
    private final BiConsumer<io.vertx.core.Vertx, Router> routes;
    private final long drainMillis;
    private HttpServer server;

    public HttpVerticle(String host, int port, BiConsumer<io.vertx.core.Vertx, Router> routes, long drainMillis) {
        this.host = host;
        this.port = port;
        this.routes = routes;
        this.drainMillis = drainMillis;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        routes.accept(vertx, router);
        router.errorHandler(404, ctx -> fail(ctx, GatewayError.of(ErrorKind.NOT_FOUND,
                "Unknown route: " + ctx.request().method() + " " + ctx.request().path(), "unknown_url")));
        router.errorHandler(405, ctx -> {
            ctx.response().setStatusCode(405);
            fail(ctx, new GatewayError(ErrorKind.BAD_REQUEST, "Method " + ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + ".", null, "method_not_allowed", null), 405);
        });
        router.errorHandler(400, ctx -> fail(ctx, GatewayError.badRequest("The request could not be read.", null)));
        router.errorHandler(413, ctx -> fail(ctx, GatewayError.of(ErrorKind.BODY_TOO_LARGE,
                "The request body is larger than the gateway's limit (limits.max_body).")));
        router.errorHandler(500, ctx -> {
            if (ctx.failure() instanceof GatewayError ge) {
                fail(ctx, ge);
                return;
            }
            log.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            fail(ctx, GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Internal gateway error."), 500);
        });
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(8 * 1024)
                .setCompressionSupported(false)
                // Reclaims connections nobody uses; long enough for Ollama loading a big model in silence.
                .setIdleTimeout(300);
        server = vertx.createHttpServer(options).requestHandler(router);
        return server.listen();
    }

    /** Graceful: stop accepting, let in-flight requests and streams finish, up to the drain timeout. */
    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(drainMillis, TimeUnit.MILLISECONDS);
    }

    public int actualPort() {
        return server.actualPort();
    }

    private static void fail(RoutingContext ctx, GatewayError e) {
        fail(ctx, e, e.status());
    }

    private static void fail(RoutingContext ctx, GatewayError e, int status) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(OpenAiErrors.body(e));
    }
}
