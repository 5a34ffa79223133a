package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.account.SpendEvent;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin API's rules in detail (embedded store): PATCH, references, idempotent deletes, formats, reports, escaping. */
@Timeout(120)
class AdminApiTest {

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static AdminHttp admin;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start("llama3.2:1b");
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
        admin = new AdminHttp(gantry);
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (ollama != null) {
            ollama.close();
        }
    }

    static long count(RunningGantry gantry, String table) {
        try (Connection c = gantry.stores().database().connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode json() {
        return Api.JSON.createObjectNode();
    }

    @Test
    void aKeyIsCreatedWithEveryFieldAndReadBackTheSame() {
        String team = admin.createTeam(AdminHttp.body("platform")).path("id").asText();
        String user = admin.createUser(AdminHttp.body("grace")).path("id").asText();
        ObjectNode body = AdminHttp.body("full");
        body.putArray("models").add("llama3").add("gpt-4o").add("llama3");
        body.put("rpm_limit", 600).put("tpm_limit", 1_000_000).put("max_parallel", 8).put("max_budget", 12.345678901)
                .put("budget_duration", "720h").put("expires_at", "2099-01-31T12:00:00+02:00").put("team_id", team).put("user_id", user);
        body.putObject("metadata").put("owner", "ops").putArray("tags").add("a");

        JsonNode created = admin.createKey(body);
        JsonNode read = AdminHttp.ok(admin.get("/admin/keys/" + created.path("id").asText()));

        for (JsonNode k : List.of(created, read)) {
            assertThat(k.path("models")).hasSize(2);
            assertThat(k.path("rpm_limit").asLong()).isEqualTo(600);
            assertThat(k.path("tpm_limit").asLong()).isEqualTo(1_000_000);
            assertThat(k.path("max_parallel").asInt()).isEqualTo(8);
            assertThat(k.path("max_budget").decimalValue()).isEqualByComparingTo("12.345678901");
            assertThat(k.path("budget_duration").asText()).isEqualTo("30d");
            assertThat(k.path("expires_at").asText()).isEqualTo("2099-01-31T10:00:00Z");
            assertThat(k.path("team_id").asText()).isEqualTo(team);
            assertThat(k.path("user_id").asText()).isEqualTo(user);
            assertThat(k.path("metadata").path("owner").asText()).isEqualTo("ops");
            assertThat(k.path("metadata").path("tags").get(0).asText()).isEqualTo("a");
        }
        assertThat(created.has("key")).isTrue();
        assertThat(read.has("key")).isFalse();
        assertThat(read.path("spend").path("current_period").decimalValue()).isZero();
    }

    @Test
    void expiresAtAcceptsEpochSecondsAndPatchNullRemovesIt() {
        long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
        ObjectNode body = AdminHttp.body("expiring");
        body.put("expires_at", inAnHour);
        JsonNode k = admin.createKey(body);
        assertThat(Instant.parse(k.path("expires_at").asText()).getEpochSecond()).isEqualTo(inAnHour);

        JsonNode patched = AdminHttp.ok(admin.patch("/admin/keys/" + k.path("id").asText(), json().putNull("expires_at")));

        assertThat(patched.path("expires_at").isNull()).isTrue();
    }

    @Test
    void createAnswers201WithHeadersThatKeepTheSecretOutOfCaches() {
        HttpResponse<String> r = admin.post("/admin/keys", AdminHttp.body("cached"));

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void aKeyForATeamOrUserThatDoesNotExistIsRefusedAndNothingIsStored() {
        long keys = count(gantry, "api_keys");
        ObjectNode teamless = AdminHttp.body("x");
        teamless.put("team_id", "team_doesnotexist");
        ObjectNode userless = AdminHttp.body("x");
        userless.put("user_id", "user_doesnotexist");

        assertThat(Api.assertOpenAiError(admin.post("/admin/keys", teamless), 400).path("param").asText()).isEqualTo("team_id");
        assertThat(Api.assertOpenAiError(admin.post("/admin/keys", userless), 400).path("param").asText()).isEqualTo("user_id");
        assertThat(count(gantry, "api_keys")).isEqualTo(keys);
    }

    @Test
    void aKeyCannotBeMovedIntoADeletedTeam() {
        String team = admin.createTeam(AdminHttp.body("gone")).path("id").asText();
        AdminHttp.ok(admin.delete("/admin/teams/" + team));
        String key = admin.createKey(AdminHttp.body("mover")).path("id").asText();

        Api.assertOpenAiError(admin.patch("/admin/keys/" + key, json().put("team_id", team)), 400);
        assertThat(AdminHttp.ok(admin.get("/admin/keys/" + key)).path("team_id").isNull()).isTrue();
    }

    @Test
    void patchRefusesUnknownFieldsEmptyBodiesAndClearingTheNameAndChangesNothing() {
        String id = admin.createKey(AdminHttp.body("strict")).path("id").asText();
        String before = AdminHttp.ok(admin.get("/admin/keys/" + id)).toString();
        long audit = count(gantry, "audit_log");

        JsonNode unknown = Api.assertOpenAiError(admin.patch("/admin/keys/" + id, json().put("rpm_limit", 5).put("revoked", false)), 400);
        Api.assertOpenAiError(admin.patch("/admin/keys/" + id, json()), 400);
        JsonNode name = Api.assertOpenAiError(admin.patch("/admin/keys/" + id, json().putNull("name")), 400);
        Api.assertOpenAiError(admin.patch("/admin/keys/" + id, json().put("key", "sk-gantry-chosen")), 400);

        assertThat(unknown.path("param").asText()).isEqualTo("revoked");
        assertThat(unknown.path("message").asText()).contains("revoked");
        assertThat(name.path("param").asText()).isEqualTo("name");
        assertThat(AdminHttp.ok(admin.get("/admin/keys/" + id)).toString()).isEqualTo(before);
        assertThat(count(gantry, "audit_log")).isEqualTo(audit);
    }

    @Test
    void aRevokedKeyCannotBePatchedAndRevokingAgainChangesNothing() {
        String id = admin.createKey(AdminHttp.body("final")).path("id").asText();
        AdminHttp.ok(admin.delete("/admin/keys/" + id));
        long audit = count(gantry, "audit_log");

        JsonNode again = AdminHttp.ok(admin.delete("/admin/keys/" + id));
        Api.assertOpenAiError(admin.patch("/admin/keys/" + id, json().put("rpm_limit", 1)), 400);

        assertThat(again.path("revoked").asBoolean()).isTrue();
        assertThat(count(gantry, "audit_log")).isEqualTo(audit);
    }

    @Test
    void unknownIdsAre404OnEveryEntityRoute() {
        for (String kind : List.of("keys", "teams", "users")) {
            String path = "/admin/" + kind + "/nope_0123";
            assertThat(Api.assertOpenAiError(admin.get(path), 404).path("code").asText()).isEqualTo("not_found");
            Api.assertOpenAiError(admin.patch(path, json().put("rpm_limit", 1)), 404);
            Api.assertOpenAiError(admin.delete(path), 404);
        }
    }

    @Test
    void teamsAreCreatedListedChangedAndDeleted() {
        ObjectNode body = AdminHttp.body("ml");
        body.put("max_budget", 100).put("budget_duration", "30d").put("rpm_limit", 1000);
        JsonNode team = admin.createTeam(body);
        String id = team.path("id").asText();

        assertThat(id).startsWith("team_");
        assertThat(team.path("max_budget").decimalValue()).isEqualByComparingTo("100");
        assertThat(ids(AdminHttp.ok(admin.get("/admin/teams")))).contains(id);

        JsonNode patched = AdminHttp.ok(admin.patch("/admin/teams/" + id, json().put("name", "ml-research").putNull("max_budget")));
        assertThat(patched.path("name").asText()).isEqualTo("ml-research");
        assertThat(patched.path("max_budget").isNull()).isTrue();
        assertThat(patched.path("rpm_limit").asLong()).isEqualTo(1000);

        AdminHttp.ok(admin.delete("/admin/teams/" + id));
        assertThat(ids(AdminHttp.ok(admin.get("/admin/teams")))).doesNotContain(id);
        assertThat(AdminHttp.ok(admin.get("/admin/teams/" + id)).path("deleted").asBoolean()).isTrue();
        Api.assertOpenAiError(admin.patch("/admin/teams/" + id, json().put("name", "revived")), 404);
        assertThat(AdminHttp.ok(admin.delete("/admin/teams/" + id)).path("deleted").asBoolean()).isTrue();
    }

    @Test
    void usersAreCreatedListedChangedAndDeleted() {
        String team = admin.createTeam(AdminHttp.body("support")).path("id").asText();
        ObjectNode body = json().put("email", "lin@example.com").put("team_id", team).put("tpm_limit", 5000);
        JsonNode user = admin.createUser(body);
        String id = user.path("id").asText();

        assertThat(id).startsWith("user_");
        assertThat(user.path("name").isNull()).isTrue();
        assertThat(user.path("email").asText()).isEqualTo("lin@example.com");
        assertThat(ids(AdminHttp.ok(admin.get("/admin/users")))).contains(id);

        JsonNode patched = AdminHttp.ok(admin.patch("/admin/users/" + id, json().put("name", "Lin").putNull("team_id")));
        assertThat(patched.path("name").asText()).isEqualTo("Lin");
        assertThat(patched.path("team_id").isNull()).isTrue();
        Api.assertOpenAiError(admin.patch("/admin/users/" + id, json().put("team_id", "team_nothere")), 400);
        Api.assertOpenAiError(admin.post("/admin/users", json().put("email", "not-an-email")), 400);

        AdminHttp.ok(admin.delete("/admin/users/" + id));
        assertThat(ids(AdminHttp.ok(admin.get("/admin/users")))).doesNotContain(id);
    }

    @Test
    void injectionStringsAreStoredAsDataAndComeBackEscapedForHtml() {
        String sql = "'; DROP TABLE api_keys; --";
        String script = "<script>alert('x')</script>";
        ObjectNode body = AdminHttp.body(sql);
        body.putObject("metadata").put("note", script).put("q", "\" OR 1=1 --");
        body.putArray("models").add(script);
        long keys = count(gantry, "api_keys");

        HttpResponse<String> r = admin.post("/admin/keys", body);
        JsonNode created = AdminHttp.created(r);
        HttpResponse<String> list = admin.get("/admin/keys");

        assertThat(created.path("name").asText()).isEqualTo(sql);
        assertThat(created.path("metadata").path("note").asText()).isEqualTo(script);
        assertThat(created.path("models").get(0).asText()).isEqualTo(script);
        assertThat(count(gantry, "api_keys")).isEqualTo(keys + 1);
        for (String raw : List.of(r.body(), list.body())) {
            assertThat(raw).doesNotContain("<script>").doesNotContain("'").contains("\\u003Cscript\\u003E");
        }
    }

    @Test
    void unknownFieldNamesWithMarkupAreNotEchoedBack() {
        HttpResponse<String> r = admin.post("/admin/keys", "{\"name\":\"a\",\"<img src=x onerror=alert(1)>\":1}");

        Api.assertOpenAiError(r, 400);
        assertThat(r.body()).doesNotContain("<img");
    }

    @Test
    void spendIsGroupedByEveryDimensionWithinTheRange() throws Exception {
        long base = LocalDate.of(2024, 5, 10).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        gantry.stores().spend().insertBatch(List.of(
                new SpendEvent("s1", base + 1_000, "r1", "k-a", "t-a", "u-a", "m-a", "d", 10, 1, false, 1_000_000_000L),
                new SpendEvent("s2", base + 2_000, "r2", "k-a", "t-a", "u-b", "m-b", "d", 20, 2, true, 500_000_000L),
                new SpendEvent("s3", base + 3_000, "r3", "k-b", null, "u-b", "m-b", "d", 30, 3, false, 1L),
                new SpendEvent("s4", base + Duration.ofDays(1).toMillis() + 5, "r4", "k-b", null, null, "m-a", "d", 1, 1, false, 7L)));

        JsonNode byModel = AdminHttp.ok(admin.get("/admin/spend?group_by=model&from=2024-05-10&to=2024-05-10"));
        JsonNode byUser = AdminHttp.ok(admin.get("/admin/spend?group_by=user&from=2024-05-10T00:00:00Z&to=2024-05-12T00:00:00Z"));
        JsonNode byTeam = AdminHttp.ok(admin.get("/admin/spend?group_by=team&from=2024-05-10&to=2024-05-11"));
        JsonNode recent = AdminHttp.ok(admin.get("/admin/spend"));

        assertThat(byModel.path("from").asText()).isEqualTo("2024-05-10T00:00:00Z");
        assertThat(byModel.path("to").asText()).isEqualTo("2024-05-11T00:00:00Z");
        assertThat(byModel.path("data").toString()).isEqualTo(
                "[{\"id\":\"m-a\",\"spend\":1,\"input_tokens\":10,\"output_tokens\":1,\"requests\":1},"
                        + "{\"id\":\"m-b\",\"spend\":0.500000001,\"input_tokens\":50,\"output_tokens\":5,\"requests\":2}]");
        assertThat(byUser.path("data")).hasSize(3);
        assertThat(byUser.path("data").get(0).path("id").asText()).isEqualTo("u-a");
        assertThat(byUser.path("data").get(2).path("id").isNull()).as("spend without a user").isTrue();
        assertThat(byTeam.path("data").get(0).path("spend").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(byTeam.path("data").get(1).path("spend").decimalValue()).isEqualByComparingTo("0.000000008");
        assertThat(recent.path("group_by").asText()).isEqualTo("key");
        assertThat(Duration.between(Instant.parse(recent.path("from").asText()), Instant.parse(recent.path("to").asText())))
                .isEqualTo(Duration.ofDays(30));
        assertThat(ids(recent)).doesNotContain("k-a", "k-b");
    }

    @Test
    void theAuditLogPagesWithBefore() {
        for (int i = 0; i < 3; i++) {
            admin.createTeam(AdminHttp.body("page " + i));
        }
        JsonNode first = AdminHttp.ok(admin.get("/admin/audit?limit=2"));
        long next = first.path("next_before").asLong();
        JsonNode second = AdminHttp.ok(admin.get("/admin/audit?limit=2&before=" + next));

        assertThat(first.path("data")).hasSize(2);
        assertThat(first.path("data").get(0).path("id").asLong()).isGreaterThan(first.path("data").get(1).path("id").asLong());
        assertThat(next).isEqualTo(first.path("data").get(1).path("id").asLong());
        assertThat(second.path("data").get(0).path("id").asLong()).isLessThan(next);
    }

    private static List<String> ids(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.path("data").spliterator(), false).map(n -> n.path("id").asText()).toList();
    }
}
