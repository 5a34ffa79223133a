package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.account.SpendEvent;
import dev.gantry.auth.KeySecrets;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.PostgresServer;
import dev.gantry.testing.RunningGantry;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The admin API's main flows, once on the embedded SQLite store and once on PostgreSQL. */
@Timeout(120)
class AdminFlowTest {

    private static final String MODEL = "llama3.2:1b";

    @Nested
    class OnSqlite extends Contract {
        OnSqlite() {
            super(null);
        }
    }

    @Nested
    class OnPostgresql extends Contract {
        OnPostgresql() {
            super("postgresql");
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract {

        private final String store;
        private FakeOllama ollama;
        private RunningGantry gantry;
        private AdminHttp admin;
        private Api api;

        Contract(String store) {
            this.store = store;
        }

        @BeforeAll
        void start() throws Exception {
            ollama = FakeOllama.start(MODEL);
            String url = store == null ? null : PostgresServer.shared().createDatabase();
            gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl(), RunningGantry.Backends.store(url));
            admin = new AdminHttp(gantry);
            api = new Api(gantry);
        }

        @AfterAll
        void stop() {
            if (gantry != null) {
                gantry.close();
            }
            if (ollama != null) {
                ollama.close();
            }
        }

        @Test
        void aNewKeyWorksAtOnceAndARevokedKeyIsRefusedWithinASecond() {
            JsonNode created = admin.createKey(AdminHttp.body("ci"));
            String secret = created.path("key").asText();
            String id = created.path("id").asText();

            assertThat(secret).startsWith(KeySecrets.PREFIX);
            assertThat(id).startsWith("key_");
            assertThat(created.path("key_prefix").asText()).isEqualTo(KeySecrets.displayPrefix(secret));
            assertThat(created.path("revoked").asBoolean()).isFalse();
            assertThat(api.get("/v1/models", secret).statusCode()).isEqualTo(200);
            assertThat(api.post("/v1/chat/completions", Api.chat(MODEL, false), secret).statusCode()).isEqualTo(200);

            JsonNode revoked = AdminHttp.ok(admin.delete("/admin/keys/" + id));

            assertThat(revoked.path("revoked").asBoolean()).isTrue();
            assertThat(revoked.has("key")).isFalse();
            Api.pollUntil(Duration.ofSeconds(1), "the revoked key is refused",
                    () -> api.get("/v1/models", secret).statusCode() == 401);
            Api.assertOpenAiError(api.get("/v1/models", secret), 401);
        }

        @Test
        void listsNeverShowSecretsOrTheirHashes() {
            List<String> secrets = new ArrayList<>();
            for (String name : List.of("list-a", "list-b")) {
                secrets.add(admin.createKey(AdminHttp.body(name)).path("key").asText());
            }

            HttpResponse<String> list = admin.get("/admin/keys");
            JsonNode data = AdminHttp.ok(list).path("data");

            assertThat(data.size()).isGreaterThanOrEqualTo(2);
            for (JsonNode k : data) {
                assertThat(k.has("key")).as("list entry %s", k).isFalse();
                assertThat(k.has("key_hash")).isFalse();
                assertThat(k.has("hash")).isFalse();
                assertThat(k.path("key_prefix").asText()).endsWith("...");
            }
            for (String s : secrets) {
                assertThat(list.body()).doesNotContain(s).doesNotContain(KeySecrets.hash(s));
                String id = idOf(data, KeySecrets.displayPrefix(s));
                assertThat(admin.get("/admin/keys/" + id).body()).doesNotContain(s).doesNotContain(KeySecrets.hash(s));
            }
        }

        @Test
        void aKeyShowsItsSpendForTheCurrentBudgetPeriodAndInTotal() throws Exception {
            ObjectNode body = AdminHttp.body("spender");
            body.put("max_budget", 10);
            body.put("budget_duration", "1d");
            JsonNode key = admin.createKey(body);
            String id = key.path("id").asText();
            long created = Instant.parse(key.path("created_at").asText()).toEpochMilli();
            gantry.stores().spend().insertBatch(List.of(
                    new SpendEvent("sp-" + id + "-old", created - Duration.ofDays(2).toMillis(), "r1", id, null, null, MODEL, "d", 10, 10,
                            false, 1_500_000_000L),
                    new SpendEvent("sp-" + id + "-new", created + 1, "r2", id, null, null, MODEL, "d", 10, 10, false, 250_000_000L)));

            JsonNode spend = AdminHttp.ok(admin.get("/admin/keys/" + id)).path("spend");

            assertThat(spend.path("current_period").decimalValue()).isEqualByComparingTo(new BigDecimal("0.25"));
            assertThat(spend.path("total").decimalValue()).isEqualByComparingTo(new BigDecimal("1.75"));
            assertThat(spend.path("remaining").decimalValue()).isEqualByComparingTo(new BigDecimal("9.75"));
            assertThat(Instant.parse(spend.path("period_start").asText()).toEpochMilli()).isEqualTo(created);
            assertThat(Instant.parse(spend.path("period_end").asText()).toEpochMilli()).isEqualTo(created + Duration.ofDays(1).toMillis());
        }

        @Test
        void patchChangesOnlyTheNamedFieldsAndNullClearsALimit() {
            ObjectNode body = AdminHttp.body("patchme");
            body.put("rpm_limit", 60);
            body.put("max_budget", 5.5);
            body.putArray("models").add(MODEL);
            String id = admin.createKey(body).path("id").asText();

            ObjectNode patch = Api.JSON.createObjectNode();
            patch.putNull("rpm_limit");
            patch.put("tpm_limit", 1000);
            JsonNode patched = AdminHttp.ok(admin.patch("/admin/keys/" + id, patch));
            JsonNode read = AdminHttp.ok(admin.get("/admin/keys/" + id));

            for (JsonNode k : List.of(patched, read)) {
                assertThat(k.path("rpm_limit").isNull()).isTrue();
                assertThat(k.path("tpm_limit").asLong()).isEqualTo(1000);
                assertThat(k.path("max_budget").decimalValue()).isEqualByComparingTo("5.5");
                assertThat(k.path("models").get(0).asText()).isEqualTo(MODEL);
                assertThat(k.path("name").asText()).isEqualTo("patchme");
            }
        }

        @Test
        void deletingATeamStopsItsKeysAndDeletingAUserStopsTheirs() {
            String team = admin.createTeam(AdminHttp.body("research")).path("id").asText();
            ObjectNode userBody = AdminHttp.body("ada");
            userBody.put("team_id", team);
            String user = admin.createUser(userBody).path("id").asText();
            ObjectNode teamKey = AdminHttp.body("team key");
            teamKey.put("team_id", team);
            ObjectNode userKey = AdminHttp.body("user key");
            userKey.put("user_id", user);
            String teamSecret = admin.createKey(teamKey).path("key").asText();
            String userSecret = admin.createKey(userKey).path("key").asText();
            assertThat(api.get("/v1/models", teamSecret).statusCode()).isEqualTo(200);
            assertThat(api.get("/v1/models", userSecret).statusCode()).isEqualTo(200);

            assertThat(AdminHttp.ok(admin.delete("/admin/teams/" + team)).path("deleted").asBoolean()).isTrue();
            assertThat(AdminHttp.ok(admin.delete("/admin/users/" + user)).path("deleted").asBoolean()).isTrue();

            Api.pollUntil(Duration.ofSeconds(1), "keys of the deleted team and user are refused",
                    () -> api.get("/v1/models", teamSecret).statusCode() == 401 && api.get("/v1/models", userSecret).statusCode() == 401);
        }

        @Test
        void theAuditLogRecordsEveryChangeNewestFirst() {
            String team = admin.createTeam(AdminHttp.body("audited")).path("id").asText();
            String key = admin.createKey(AdminHttp.body("audited key")).path("id").asText();
            ObjectNode patch = Api.JSON.createObjectNode().put("rpm_limit", 5);
            AdminHttp.ok(admin.patch("/admin/keys/" + key, patch));
            AdminHttp.ok(admin.patch("/admin/teams/" + team, patch));
            AdminHttp.ok(admin.delete("/admin/keys/" + key));
            AdminHttp.ok(admin.delete("/admin/teams/" + team));

            JsonNode entries = AdminHttp.ok(admin.get("/admin/audit?limit=6")).path("data");

            List<String> seen = new ArrayList<>();
            for (JsonNode e : entries) {
                seen.add(e.path("action").asText() + " " + e.path("entity_type").asText() + " " + e.path("entity_id").asText());
                assertThat(e.path("actor").asText()).isEqualTo("master");
                assertThat(Instant.parse(e.path("ts").asText())).isBefore(Instant.now().plusSeconds(1));
            }
            assertThat(seen).containsExactly("delete team " + team, "revoke key " + key, "update team " + team, "update key " + key,
                    "create key " + key, "create team " + team);
        }

        @Test
        void concurrentPatchesOfOneKeyEachSucceedOrAnswer409AndEverySuccessIsAudited() throws Exception {
            String id = admin.createKey(AdminHttp.body("contended")).path("id").asText();
            int writers = 12;
            List<java.util.concurrent.Future<HttpResponse<String>>> futures = new ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(writers)) {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                for (int i = 1; i <= writers; i++) {
                    ObjectNode patch = Api.JSON.createObjectNode().put("rpm_limit", i);
                    futures.add(pool.submit(() -> {
                        go.await();
                        return admin.patch("/admin/keys/" + id, patch);
                    }));
                }
                go.countDown();
            }
            List<Integer> statuses = new ArrayList<>();
            List<Long> written = new ArrayList<>();
            for (var f : futures) {
                HttpResponse<String> r = f.get();
                statuses.add(r.statusCode());
                if (r.statusCode() == 200) {
                    written.add(Api.json(r).path("rpm_limit").asLong());
                } else {
                    assertThat(Api.assertOpenAiError(r, 409).path("code").asText()).isEqualTo("conflict");
                }
            }

            long updates = 0;
            for (JsonNode e : AdminHttp.ok(admin.get("/admin/audit?limit=1000")).path("data")) {
                if (e.path("entity_id").asText().equals(id) && e.path("action").asText().equals("update")) {
                    updates++;
                }
            }
            assertThat(statuses).allMatch(s -> s == 200 || s == 409).contains(200);
            assertThat(updates).as("one audit entry per successful change").isEqualTo(written.size());
            assertThat(written).contains(AdminHttp.ok(admin.get("/admin/keys/" + id)).path("rpm_limit").asLong());
        }

        @Test
        void spendIsReportedPerGroup() throws Exception {
            long now = System.currentTimeMillis();
            String tag = Long.toString(now, 36);
            gantry.stores().spend().insertBatch(List.of(
                    new SpendEvent("g1-" + tag, now - 1000, "r", "kg1-" + tag, "tg-" + tag, "ug-" + tag, "m-" + tag, "d", 100, 10, false,
                            3_000_000_000L),
                    new SpendEvent("g2-" + tag, now - 900, "r", "kg2-" + tag, "tg-" + tag, "ug-" + tag, "m-" + tag, "d", 50, 5, false,
                            1_000_000_000L)));

            JsonNode byTeam = AdminHttp.ok(admin.get("/admin/spend?group_by=team"));
            JsonNode byKey = AdminHttp.ok(admin.get("/admin/spend?group_by=key"));

            assertThat(byTeam.path("group_by").asText()).isEqualTo("team");
            JsonNode team = row(byTeam.path("data"), "tg-" + tag);
            assertThat(team.path("spend").decimalValue()).isEqualByComparingTo("4");
            assertThat(team.path("input_tokens").asLong()).isEqualTo(150);
            assertThat(team.path("output_tokens").asLong()).isEqualTo(15);
            assertThat(team.path("requests").asLong()).isEqualTo(2);
            assertThat(row(byKey.path("data"), "kg1-" + tag).path("spend").decimalValue()).isEqualByComparingTo("3");
            assertThat(row(byKey.path("data"), "kg2-" + tag).path("spend").decimalValue()).isEqualByComparingTo("1");
        }

        private static JsonNode row(JsonNode data, String id) {
            for (JsonNode r : data) {
                if (id.equals(r.path("id").asText(null))) {
                    return r;
                }
            }
            throw new AssertionError("no row " + id + " in " + data);
        }

        private static String idOf(JsonNode keys, String prefix) {
            for (JsonNode k : keys) {
                if (k.path("key_prefix").asText().equals(prefix)) {
                    return k.path("id").asText();
                }
            }
            throw new AssertionError("no key with prefix " + prefix);
        }
    }
}
