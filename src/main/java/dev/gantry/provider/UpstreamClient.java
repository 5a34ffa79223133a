package dev.gantry.provider;

import dev.gantry.config.GantryConfig;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The one HTTP client all providers share. It owns what every upstream call needs: the
 * first-byte and whole-call timeouts, cancellation when the client goes away, mapping of
 * non-2xx answers to gateway errors, and accounting of time spent upstream.
 */
public final class UpstreamClient {

    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Vertx vertx;
    private final HttpClientAgent http;
    private final GantryConfig.Routing routing;

    public UpstreamClient(Vertx vertx, GantryConfig.Routing routing) {
        this.vertx = vertx;
        this.routing = routing;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) routing.connectTimeout().toMillis())
                .setMaxChunkSize(64 * 1024)
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(64 * 1024);
        // Streams hold a connection for their whole life, so the pool must be as large as the
        // number of concurrent streams we want to carry.
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(2048).setHttp2MaxSize(64).setMaxWaitQueueSize(4096);
        this.http = vertx.createHttpClient(options, pool);
    }

    public Future<Void> close() {
        return http.close();
    }

    /**
     * Sends a request. Completes with the response once it arrived with a 2xx status (its body not
     * yet read, paused); fails with a {@link GatewayError} on refusal, connection failure or timeout.
     */
    public Future<UpstreamResponse> send(Exchange exchange, Deployment deployment, HttpMethod method, String url,
                                         MultiMap headers, Buffer body) {
        Promise<UpstreamResponse> promise = Promise.promise();
        long started = System.nanoTime();
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setHeaders(headers);
        http.request(options).onComplete(ar -> {
            if (ar.failed()) {
                promise.fail(UpstreamErrors.fromThrowable(deployment, ar.cause()));
                return;
            }
            HttpClientRequest request = ar.result();
            UpstreamResponse call = new UpstreamResponse(vertx, deployment, exchange, request, started);
            exchange.onCancel(() -> call.abort(null));
            if (exchange.isCancelled()) {
                promise.fail(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "client went away"));
                return;
            }
            long firstByteMillis = bounded(exchange, deployment.config().firstByteTimeout() != null
                    ? deployment.config().firstByteTimeout().toMillis() : routing.firstByteTimeout().toMillis());
            long wholeMillis = bounded(exchange, deployment.config().timeout() != null
                    ? deployment.config().timeout().toMillis() : routing.timeout().toMillis());
            long firstByteTimer = vertx.setTimer(firstByteMillis, t -> {
                GatewayError timeout = GatewayError.of(ErrorKind.UPSTREAM_TIMEOUT, "The upstream " + deployment.id()
                        + " sent no response within " + firstByteMillis + " ms.").asRetryable();
                if (promise.tryFail(timeout)) {
                    call.abort(null);
                }
            });
            call.startWholeTimer(wholeMillis);
            request.send(body).onComplete(sent -> {
                vertx.cancelTimer(firstByteTimer);
                if (sent.failed()) {
                    call.abort(null);
                    promise.tryFail(UpstreamErrors.fromThrowable(deployment, sent.cause()));
                    return;
                }
                HttpClientResponse response = sent.result();
                response.pause();
                if (response.statusCode() / 100 == 2) {
                    call.attach(response);
                    if (!promise.tryComplete(call)) {
                        call.abort(null);
                    }
                    return;
                }
                readCapped(response).onComplete(errBody -> {
                    call.finished();
                    promise.tryFail(UpstreamErrors.fromStatus(deployment, response.statusCode(), response.headers(),
                            errBody.succeeded() ? errBody.result() : Buffer.buffer()));
                });
            });
        });
        return promise.future();
    }

    /** A per-call limit never outlives the request's own deadline (routing.timeout spans all attempts). */
    private static long bounded(Exchange exchange, long millis) {
        long left = exchange.millisLeft();
        return Math.max(1, left == Long.MAX_VALUE ? millis : Math.min(millis, left));
    }

    private static Future<Buffer> readCapped(HttpClientResponse response) {
        Promise<Buffer> promise = Promise.promise();
        Buffer acc = Buffer.buffer();
        response.handler(b -> {
            if (acc.length() < MAX_ERROR_BODY) {
                acc.appendBuffer(b, 0, Math.min(b.length(), MAX_ERROR_BODY - acc.length()));
            }
        });
        response.endHandler(v -> promise.tryComplete(acc));
        response.exceptionHandler(e -> promise.tryComplete(acc));
        response.resume();
        return promise.future();
    }
}
