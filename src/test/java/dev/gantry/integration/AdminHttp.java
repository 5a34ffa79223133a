package dev.gantry.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.testing.RunningGantry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against Gantry's admin API, with the master key unless told otherwise. */
final class AdminHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;

    AdminHttp(RunningGantry gantry) {
        this.base = gantry.baseUrl();
    }

    HttpResponse<String> post(String path, Object body) {
        return send("POST", path, body, RunningGantry.MASTER_KEY);
    }

    HttpResponse<String> patch(String path, Object body) {
        return send("PATCH", path, body, RunningGantry.MASTER_KEY);
    }

    HttpResponse<String> get(String path) {
        return send("GET", path, null, RunningGantry.MASTER_KEY);
    }

    HttpResponse<String> delete(String path) {
        return send("DELETE", path, null, RunningGantry.MASTER_KEY);
    }

    /** Any method; {@code body} null sends none, {@code key} null sends no Authorization header. */
    HttpResponse<String> send(String method, String path, Object body, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a key (asserting 201) and returns the whole response body, secret included. */
    JsonNode createKey(ObjectNode body) {
        return created(post("/admin/keys", body));
    }

    JsonNode createTeam(ObjectNode body) {
        return created(post("/admin/teams", body));
    }

    JsonNode createUser(ObjectNode body) {
        return created(post("/admin/users", body));
    }

    static JsonNode ok(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + r.statusCode() + ": " + r.body());
        }
        return Api.json(r);
    }

    static JsonNode created(HttpResponse<String> r) {
        if (r.statusCode() != 201) {
            throw new AssertionError("expected 201, got " + r.statusCode() + ": " + r.body());
        }
        return Api.json(r);
    }

    static ObjectNode body(String name) {
        ObjectNode o = Api.JSON.createObjectNode();
        o.put("name", name);
        return o;
    }
}
