package dev.gantry.surface.anthropic;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real Vert.x HTTP server whose one request's response a test drives by hand, on the request's
 * event loop, while a real HTTP client reads what arrives: for testing response writers directly.
 */
final class ResponseHarness implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final CompletableFuture<HttpServerResponse> response = new CompletableFuture<>();
    private Context context;

    ResponseHarness() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> {
            context = Vertx.currentContext();
            response.complete(req.response());
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    Vertx vertx() {
        return vertx;
    }

    /** Sends a request and returns once headers arrived; the body is read from the returned stream. */
    CompletableFuture<HttpResponse<InputStream>> request() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The server side of the request, once it arrived. */
    HttpServerResponse response() throws Exception {
        return response.get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code action} on the request's event loop and waits for it. */
    void onLoop(Consumer<HttpServerResponse> action) throws Exception {
        HttpServerResponse res = response();
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                action.accept(res);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(10, TimeUnit.SECONDS);
    }

    /** Reads exactly {@code n} bytes (UTF-8 text) from {@code in}. */
    static String read(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads until {@code marker} has been seen; returns everything read. */
    static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            sb.append((char) b);
            if (sb.indexOf(marker) >= 0) {
                return sb.toString();
            }
        }
        throw new AssertionError("stream ended before '" + marker + "'; read: " + sb);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
