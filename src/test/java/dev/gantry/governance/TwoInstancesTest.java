package dev.gantry.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.PostgresServer;
import dev.gantry.testing.RedisServer;
import dev.gantry.testing.RunningGantry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two Gantry instances on one PostgreSQL and one Redis act as one: a key made on A works on B, one
 * rpm limit holds across both, and a key revoked on A is refused on B within a second.
 */
@Timeout(120)
class TwoInstancesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void twoInstancesShareKeysLimitsAndRevocations() throws Exception {
        String db = PostgresServer.shared().createDatabase();
        try (FakeOpenAi cloud = FakeOpenAi.start("gpt-x");
             RedisServer redis = RedisServer.start()) {
            String yaml = """
                    discovery: { enabled: false }
                    models:
                      - name: m
                        deployments: [{ provider: openai, base_url: %s, model: gpt-x, api_key: sk-up }]
                    """.formatted(cloud.baseUrl());
            RunningGantry.Backends shared = new RunningGantry.Backends(db, redis.url());
            try (RunningGantry a = RunningGantry.start(yaml, "http://127.0.0.1:1", shared);
                 RunningGantry b = RunningGantry.start(yaml, "http://127.0.0.1:1", shared)) {

                JsonNode created = JSON.readTree(send(a, "POST", "/admin/keys", "{\"name\":\"shared\",\"rpm_limit\":20}",
                        RunningGantry.MASTER_KEY).body());
                String key = created.path("key").asText();
                String id = created.path("id").asText();

                long madeAt = System.nanoTime();
                while (send(b, "POST", "/v1/chat/completions", CHAT, key).statusCode() != 200) {
                    assertThat(System.nanoTime() - madeAt).as("a key made on A works on B within 1 s").isLessThan(1_000_000_000L);
                }
                // The call that saw 200 on B counted against the limit: 19 left across both instances.
                int ok = 1;
                int limited = 0;
                for (int i = 0; i < 40; i++) {
                    int status = send(i % 2 == 0 ? a : b, "POST", "/v1/chat/completions", CHAT, key).statusCode();
                    if (status == 200) {
                        ok++;
                    } else if (status == 429) {
                        limited++;
                    }
                }
                System.out.printf("two instances, rpm 20: %d admitted, %d refused with 429%n", ok, limited);
                assertThat(ok).as("admitted across both instances against one rpm limit of 20").isEqualTo(20);
                assertThat(limited).isEqualTo(21);

                assertThat(send(a, "DELETE", "/admin/keys/" + id, null, RunningGantry.MASTER_KEY).statusCode()).isIn(200, 204);
                long revokedAt = System.nanoTime();
                long refusedAfter;
                while (true) {
                    if (send(b, "GET", "/v1/models", null, key).statusCode() == 401) {
                        refusedAfter = (System.nanoTime() - revokedAt) / 1_000_000;
                        break;
                    }
                    assertThat(System.nanoTime() - revokedAt).as("revoked on A, refused on B within 1 s").isLessThan(1_000_000_000L);
                    Thread.sleep(5);
                }
                System.out.printf("revoked on A, refused on B after %d ms%n", refusedAfter);
                assertThat(refusedAfter).isLessThan(1000);
            }
        }
    }

    private static HttpResponse<String> send(RunningGantry g, String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + key);
        if (body != null) {
            r.header("content-type", "application/json");
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
