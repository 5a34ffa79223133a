package dev.gantry.surface.admin;

import dev.gantry.auth.Authenticator;
import dev.gantry.auth.Principal;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.store.Stores;
import dev.gantry.surface.openai.OpenAiErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API under {@code /admin}: keys, teams, users, spend and audit. Master key only,
 * checked before the body is read. JSON in and out, errors in OpenAI's shape. Every database call
 * runs on a worker thread; the event loop only parses headers and writes the answer.
 */
public final class AdminRoutes {

    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

    /** Admin bodies are small: 1,000 model names of 256 characters plus 16 KiB of metadata fit well under 1 MiB. */
    static final long MAX_BODY = 1024 * 1024;

    private final Authenticator authenticator;
    private final long maxBody;
    private final KeyAdmin keys;
    private final TeamAdmin teams;
    private final UserAdmin users;
    private final SpendReport spend;
    private final AuditReport audit;

    /**
     * @param onChange runs after every committed change (on a worker thread), e.g. to tell other
     *                 instances to refresh their keys now instead of at their next poll
     * @param maxBody  the gateway's body limit; admin bodies are capped lower still
     */
    public AdminRoutes(Stores stores, Authenticator authenticator, Runnable onChange, long maxBody) {
        this.authenticator = authenticator;
        this.maxBody = Math.min(maxBody, MAX_BODY);
        AdminContext ctx = new AdminContext(stores, onChange);
        this.keys = new KeyAdmin(ctx);
        this.teams = new TeamAdmin(ctx);
        this.users = new UserAdmin(ctx);
        this.spend = new SpendReport(ctx);
        this.audit = new AuditReport(ctx);
    }

    public void mount(Router router) {
        MasterGate gate = this::requireMaster;
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);

        router.post("/admin/keys").handler(gate).handler(body).handler(run(keys::create));
        router.get("/admin/keys").handler(gate).handler(run(keys::list));
        router.get("/admin/keys/:id").handler(gate).handler(run(keys::get));
        router.patch("/admin/keys/:id").handler(gate).handler(body).handler(run(keys::patch));
        router.delete("/admin/keys/:id").handler(gate).handler(run(keys::revoke));

        router.post("/admin/teams").handler(gate).handler(body).handler(run(teams::create));
        router.get("/admin/teams").handler(gate).handler(run(teams::list));
        router.get("/admin/teams/:id").handler(gate).handler(run(teams::get));
        router.patch("/admin/teams/:id").handler(gate).handler(body).handler(run(teams::patch));
        router.delete("/admin/teams/:id").handler(gate).handler(run(teams::delete));

        router.post("/admin/users").handler(gate).handler(body).handler(run(users::create));
        router.get("/admin/users").handler(gate).handler(run(users::list));
        router.get("/admin/users/:id").handler(gate).handler(run(users::get));
        router.patch("/admin/users/:id").handler(gate).handler(body).handler(run(users::patch));
        router.delete("/admin/users/:id").handler(gate).handler(run(users::delete));

        router.get("/admin/spend").handler(gate).handler(run(spend::get));
        router.get("/admin/audit").handler(gate).handler(run(audit::get));
    }

    /** Runs before the body handler (platform handlers go first), so a caller without the master key never gets a body read. */
    @FunctionalInterface
    private interface MasterGate extends PlatformHandler {
    }

    @FunctionalInterface
    private interface Action {
        AdminReply run(AdminRequest request) throws Exception;
    }

    private void requireMaster(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        // Responses may carry a new key's secret: never cache them; never let a browser sniff them as HTML.
        response.putHeader("cache-control", "no-store").putHeader("x-content-type-options", "nosniff");
        Principal principal;
        try {
            principal = authenticator.authenticate(Authenticator.bearerToken(ctx.request().getHeader("authorization")));
        } catch (GatewayError e) {
            OpenAiErrors.send(response, e);
            return;
        }
        if (!principal.isMaster()) {
            OpenAiErrors.send(response, new GatewayError(ErrorKind.FORBIDDEN,
                    "The admin API needs the master key; virtual keys cannot manage keys, teams or users.", null, "master_key_required", null));
            return;
        }
        // Every admin body is JSON, whatever the client declared (curl -d says form-urlencoded);
        // left as a form type, the body handler would try to decode it as form fields.
        String contentType = ctx.request().getHeader("content-type");
        if (contentType != null && !contentType.regionMatches(true, 0, "application/json", 0, 16)) {
            ctx.request().headers().set("content-type", "application/json");
        }
        ctx.put(Principal.class.getName(), principal);
        ctx.next();
    }

    private Handler<RoutingContext> run(Action action) {
        return ctx -> {
            Principal principal = ctx.get(Principal.class.getName());
            RequestBody body = ctx.body();
            AdminRequest request = new AdminRequest(ctx.pathParam("id"), body == null ? null : body.buffer(), ctx.queryParams(),
                    principal.id());
            ctx.vertx().executeBlocking(() -> action.run(request), false).onComplete(ar -> {
                HttpServerResponse response = ctx.response();
                if (ar.succeeded()) {
                    AdminReply reply = ar.result();
                    if (!response.closed() && !response.ended()) {
                        response.setStatusCode(reply.status()).putHeader("content-type", "application/json").end(AdminJson.write(reply.body()));
                    }
                } else {
                    fail(ctx, ar.cause());
                }
            });
        };
    }

    private static void fail(RoutingContext ctx, Throwable cause) {
        HttpServerResponse response = ctx.response();
        if (cause instanceof GatewayError e) {
            if (ConflictRetry.CONFLICT.equals(e.code())) {
                if (!response.closed() && !response.ended()) {
                    response.setStatusCode(409).putHeader("content-type", "application/json").end(OpenAiErrors.body(e));
                }
                return;
            }
            OpenAiErrors.send(response, e);
            return;
        }
        if (cause instanceof SQLException e) {
            // The message may quote stored values; the class and SQL state say enough.
            log.warn("Admin {} {}: the database failed ({}, SQL state {})", ctx.request().method(), ctx.request().path(),
                    e.getClass().getSimpleName(), e.getSQLState());
            OpenAiErrors.send(response, new GatewayError(ErrorKind.OVERLOADED,
                    "The database is unavailable; try again shortly.", null, "store_unavailable", 1L));
            return;
        }
        log.error("Admin {} {} failed", ctx.request().method(), ctx.request().path(), cause);
        if (!response.closed() && !response.ended()) {
            response.setStatusCode(500).putHeader("content-type", "application/json")
                    .end(OpenAiErrors.body(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "Internal gateway error.")));
        }
    }
}
