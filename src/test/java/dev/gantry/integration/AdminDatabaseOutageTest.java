package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.PostgresServer;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With PostgreSQL down, admin changes fail with a 503 that says so (not a hang, not a 500), keys
 * already known keep authenticating, and everything works again once the database is back.
 */
@Timeout(180)
class AdminDatabaseOutageTest {

    @Test
    @SuppressWarnings("unchecked")
    void adminChangesFailClearlyDuringAnOutageAndWorkAgainAfter() throws Exception {
        try (PostgresServer pg = PostgresServer.launch();
             FakeOllama ollama = FakeOllama.start("llama3.2:1b");
             RunningGantry gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl(),
                     RunningGantry.Backends.store(pg.createDatabase("outage")))) {
            AdminHttp admin = new AdminHttp(gantry);
            Api api = new Api(gantry);
            String known = admin.createKey(AdminHttp.body("before")).path("key").asText();

            pg.stop();
            HttpResponse<String> create = admin.post("/admin/keys", AdminHttp.body("during"));
            HttpResponse<String> list = admin.get("/admin/keys");

            JsonNode error = Api.assertOpenAiError(create, 503);
            assertThat(error.path("code").asText()).isEqualTo("store_unavailable");
            assertThat(create.headers().firstValue("retry-after")).isPresent();
            Api.assertOpenAiError(list, 503);
            assertThat(api.get("/v1/models", known).statusCode()).as("a known key keeps working").isEqualTo(200);

            pg.start();
            // Pooled connections the restart cut may still fail a request or two (the pool skips its
            // liveness check on connections used within the last 500 ms): retry until one succeeds,
            // then check that the failed attempts stored nothing.
            HttpResponse<String>[] last = new HttpResponse[1];
            Api.pollUntil(Duration.ofSeconds(15), "the admin API works again",
                    () -> (last[0] = admin.post("/admin/keys", AdminHttp.body("after"))).statusCode() == 201);
            JsonNode after = AdminHttp.created(last[0]);
            assertThat(api.get("/v1/models", after.path("key").asText()).statusCode()).isEqualTo(200);
            assertThat(AdminHttp.ok(admin.get("/admin/keys")).path("data").findValuesAsText("name")).containsExactly("before", "after");
        }
    }
}
