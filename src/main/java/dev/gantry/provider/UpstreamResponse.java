package dev.gantry.provider;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import dev.gantry.provider.framing.FramingException;
import dev.gantry.provider.framing.Framer;
import java.util.function.Consumer;

/**
 * A 2xx upstream response being read. Delivers body bytes to one reader, enforces the whole-call
 * timeout, and tears the connection down when the client goes away or the call is abandoned.
 */
public final class UpstreamResponse implements StreamControl {

    private final Vertx vertx;
    private final Deployment deployment;
    private final Exchange exchange;
    private final HttpClientRequest request;
    private final long startedNanos;
    private HttpClientResponse response;
    private long wholeTimer = -1;
    private boolean done;
    private Consumer<GatewayError> errorHandler;

    UpstreamResponse(Vertx vertx, Deployment deployment, Exchange exchange, HttpClientRequest request, long startedNanos) {
        this.vertx = vertx;
        this.deployment = deployment;
        this.exchange = exchange;
        this.request = request;
        this.startedNanos = startedNanos;
    }

    void attach(HttpClientResponse response) {
        this.response = response;
    }

    void startWholeTimer(long millis) {
        wholeTimer = vertx.setTimer(millis, t -> {
            wholeTimer = -1;
            abort(GatewayError.of(ErrorKind.UPSTREAM_TIMEOUT, "The upstream " + deployment.id()
                    + " did not finish within " + (millis / 1000) + "s."));
        });
    }

    public MultiMap headers() {
        return response.headers();
    }

    public Deployment deployment() {
        return deployment;
    }

    /**
     * Streams the body: {@code data} per network read, {@code end} at a clean end, {@code error}
     * if the connection breaks or the call times out. Exactly one of end/error is called.
     */
    public void read(Handler<Buffer> data, Runnable end, Consumer<GatewayError> error) {
        this.errorHandler = error;
        response.handler(data);
        response.exceptionHandler(t -> fail(UpstreamErrors.fromThrowable(deployment, t)));
        response.endHandler(v -> {
            if (!done) {
                finished();
                end.run();
            }
        });
        response.resume();
    }

    /**
     * Streams the body through {@code framer}. A {@link GatewayError} or {@link FramingException}
     * thrown while framing or decoding a frame aborts the call and reaches {@code error}, once;
     * nothing is fed after that.
     */
    public void readFramed(Framer framer, Runnable end, Consumer<GatewayError> error) {
        read(bytes -> {
            if (done) {
                return;
            }
            try {
                framer.feed(bytes);
            } catch (GatewayError e) {
                abort(e);
            } catch (FramingException e) {
                abort(malformed(e));
            }
        }, () -> {
            try {
                framer.finish();
            } catch (GatewayError e) {
                error.accept(e);
                return;
            } catch (FramingException e) {
                error.accept(malformed(e));
                return;
            }
            end.run();
        }, error);
    }

    private GatewayError malformed(FramingException e) {
        return GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + deployment.id() + " sent a malformed stream: " + e.getMessage());
    }

    /** Reads the whole body, up to {@code maxBytes}. */
    public Future<Buffer> body(int maxBytes) {
        Promise<Buffer> promise = Promise.promise();
        Buffer acc = Buffer.buffer();
        read(b -> {
            if (acc.length() + b.length() > maxBytes) {
                abort(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream response of " + deployment.id()
                        + " is larger than " + maxBytes + " bytes."));
            } else {
                acc.appendBuffer(b);
            }
        }, () -> promise.tryComplete(acc), promise::tryFail);
        return promise.future();
    }

    @Override
    public void pause() {
        if (response != null && !done) {
            response.pause();
        }
    }

    @Override
    public void resume() {
        if (response != null && !done) {
            response.resume();
        }
    }

    /** Marks the call as over: timers stop and upstream time is accounted. Idempotent. */
    void finished() {
        if (done) {
            return;
        }
        done = true;
        if (wholeTimer >= 0) {
            vertx.cancelTimer(wholeTimer);
            wholeTimer = -1;
        }
        exchange.addUpstreamNanos(System.nanoTime() - startedNanos);
    }

    /**
     * Stops the call and closes its connection (so the upstream stops generating). If
     * {@code reason} is given and a reader is attached, the reader gets it as the error.
     */
    public void abort(GatewayError reason) {
        if (done) {
            return;
        }
        fail(reason);
        request.reset();
    }

    private void fail(GatewayError error) {
        if (done) {
            return;
        }
        finished();
        if (error != null && errorHandler != null) {
            errorHandler.accept(error);
        }
    }
}
