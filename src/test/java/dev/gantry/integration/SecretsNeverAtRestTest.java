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
}
