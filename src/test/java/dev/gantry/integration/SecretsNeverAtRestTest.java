package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.auth.KeySecrets;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.PostgresServer;
import dev.gantry.testing.RunningGantry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual key's secret exists only in the response that created it: not in the SQLite file (or
 * its WAL), not in anything else in the data directory, not in a PostgreSQL dump. The hash is
 * stored, and the dump proves the search would have found a stored value.
 */
@Timeout(120)
class SecretsNeverAtRestTest {

    @Test
    void theEmbeddedDataDirectoryNeverHoldsTheSecret() throws Exception {
        try (FakeOllama ollama = FakeOllama.start("llama3.2:1b");
             RunningGantry gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl())) {
            AdminHttp admin = new AdminHttp(gantry);
            String secret = admin.createKey(AdminHttp.body("at-rest")).path("key").asText();
            String id = admin.createKey(AdminHttp.body("second")).path("id").asText();
            admin.patch("/admin/keys/" + id, Api.JSON.createObjectNode().put("rpm_limit", 1));
            assertThat(new Api(gantry).get("/v1/models", secret).statusCode()).isEqualTo(200);

            List<Path> files;
            try (Stream<Path> walk = Files.walk(gantry.dataDir())) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            assertThat(files).as("the data directory holds the database").anyMatch(f -> f.getFileName().toString().startsWith("gantry.db"));
            boolean hashFound = false;
            for (Path f : files) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as("contents of %s", f).doesNotContain(secret).doesNotContain(secret.substring(KeySecrets.PREFIX.length()));
                hashFound |= content.contains(KeySecrets.hash(secret));
            }
            assertThat(hashFound).as("the search can see stored values: the key's hash is there").isTrue();
        }
    }

    @Test
    void aPostgresqlDumpNeverHoldsTheSecret() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        String url = pg.createDatabase();
        try (FakeOllama ollama = FakeOllama.start("llama3.2:1b");
             RunningGantry gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl(), RunningGantry.Backends.store(url))) {
            AdminHttp admin = new AdminHttp(gantry);
            String secret = admin.createKey(AdminHttp.body("dumped")).path("key").asText();

            String dump = pg.dump(PostgresServer.databaseName(url));

            assertThat(dump).contains("api_keys").contains(KeySecrets.hash(secret)).contains("dumped");
            assertThat(dump).doesNotContain(secret).doesNotContain(secret.substring(KeySecrets.PREFIX.length()));
        }
    }

    @Test
    void theLogsNeverHoldTheSecretEvenAtDebugLevel() throws Exception {
        Path dir = Files.createTempDirectory("gantry-logs");
        try (FakeOllama ollama = FakeOllama.start("llama3.2:1b");
             dev.gantry.testing.GantryProcess gantry = dev.gantry.testing.GantryProcess.start(dir, "limits: { drain_timeout: 1s }\n",
                     java.util.Map.of("OLLAMA_HOST", ollama.baseUrl(), "GANTRY_LOG_LEVEL", "DEBUG"))) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> created = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gantry.baseUrl() + "/admin/keys"))
                    .header("authorization", "Bearer " + RunningGantry.MASTER_KEY).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"logged\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            String secret = Api.JSON.readTree(created.body()).path("key").asText();
            String id = Api.JSON.readTree(created.body()).path("id").asText();
            for (String key : List.of(secret, secret + "x")) { // once right, once wrong
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gantry.baseUrl() + "/v1/chat/completions"))
                        .header("authorization", "Bearer " + key).header("content-type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Api.chat("llama3.2:1b", false).toString())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            }
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gantry.baseUrl() + "/admin/keys/" + id))
                    .header("authorization", "Bearer " + RunningGantry.MASTER_KEY).DELETE().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            gantry.stop();

            String log = Files.readString(dir.resolve("gantry.out"), StandardCharsets.ISO_8859_1);
            assertThat(log).as("the log was written at debug level").contains("DEBUG");
            assertThat(log).doesNotContain(secret.substring(KeySecrets.PREFIX.length()));
            assertThat(log).as("nor the master key").doesNotContain(RunningGantry.MASTER_KEY.substring(10));
        }
    }
}
