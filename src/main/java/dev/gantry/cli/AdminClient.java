package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.provider.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The CLI's way to a running Gantry: its admin API over HTTP with the master key. The key comes
 * from {@code GANTRY_MASTER_KEY} or the data directory's {@code master.key}, never from the
 * command line, where it would land in shell history and process lists.
 */
final class AdminClient {

    /** A failure to show the user as it is; {@code exitCode} 1 for server answers, 2 for local setup. */
    static final class Failure extends Exception {
        final int exitCode;

        Failure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String masterKey;

    private AdminClient(URI base, String masterKey) {
        this.base = base;
        this.masterKey = masterKey;
    }

    /** @param url the server's base URL, or null for {@code http://127.0.0.1:$GANTRY_PORT} (4000 by default) */
    static AdminClient from(String url, Map<String, String> env) throws Failure {
        String base = url != null ? url : "http://127.0.0.1:" + env.getOrDefault("GANTRY_PORT", "4000").trim();
        URI uri;
        try {
            uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (IllegalArgumentException e) {
            throw new Failure("'" + base + "' is not a URL (--url http://host:port)", 2);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new Failure("'" + base + "' is not an http(s) URL (--url http://host:port)", 2);
        }
        return new AdminClient(uri, masterKey(env));
    }

    private static String masterKey(Map<String, String> env) throws Failure {
        String key = env.get("GANTRY_MASTER_KEY");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        Path file = Path.of(env.getOrDefault("GANTRY_DATA_DIR", "gantry-data")).resolve("master.key");
        try {
            if (Files.isReadable(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
        } catch (IOException e) {
            // reported below
        }
        throw new Failure("no master key: set GANTRY_MASTER_KEY, or run where " + file + " exists (GANTRY_DATA_DIR)", 2);
    }

    JsonNode get(String path) throws Failure {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    JsonNode post(String path, JsonNode body) throws Failure {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    JsonNode delete(String path) throws Failure {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder request) throws Failure {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + masterKey).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure("cannot reach Gantry at " + base + " (is it running? --url sets where)", 1);
        } catch (IOException e) {
            throw new Failure("talking to Gantry at " + base + " failed: " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", 1);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() / 100 != 2) {
            String message = body == null ? null : body.path("error").path("message").asText(null);
            String status = " (HTTP " + response.statusCode() + ")";
            throw new Failure((message != null ? message : "the server answered " + response.statusCode()) + status, 1);
        }
        if (body == null) {
            throw new Failure("the server at " + base + " did not answer with JSON; is it Gantry?", 1);
        }
        return body;
    }
}
