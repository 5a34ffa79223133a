package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on every admin route is refused with a 400 (or 413) in OpenAI's error shape, naming
 * the field, and nothing is stored: row counts and the existing entities are unchanged after
 * each case.
 */
@Timeout(300)
class AdminBadInputTest {

    private static final List<String> TABLES = List.of("api_keys", "teams", "users", "audit_log", "spend_events");

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static AdminHttp admin;
    private static Map<String, String> ids;
    private Map<String, Long> counts;
    private List<String> entities;

    /** One bad request: {@code {key}}, {@code {team}} and {@code {user}} in the path stand for existing ids. */
    record Case(String method, String path, String body, int status, String param) {
        @Override
        public String toString() {
            String b = body == null ? "" : body.length() > 60 ? body.substring(0, 60) + "..." : body;
            return method + " " + path + " " + b + " -> " + status + (param == null ? "" : " (" + param + ")");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start("llama3.2:1b");
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
        admin = new AdminHttp(gantry);
        ids = Map.of(
                "{key}", admin.createKey(AdminHttp.body("fixture")).path("id").asText(),
                "{team}", admin.createTeam(AdminHttp.body("fixture")).path("id").asText(),
                "{user}", admin.createUser(AdminHttp.body("fixture")).path("id").asText());
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

    @BeforeEach
    void snapshot() {
        counts = counts();
        entities = entities();
    }

    @AfterEach
    void nothingWasStored() {
        assertThat(counts()).as("row counts").isEqualTo(counts);
        assertThat(entities()).as("existing entities").isEqualTo(entities);
    }

    private static Map<String, Long> counts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String t : TABLES) {
            out.put(t, AdminApiTest.count(gantry, t));
        }
        return out;
    }

    private static List<String> entities() {
        return List.of(admin.get("/admin/keys/" + ids.get("{key}")).body().replaceAll("\"spend\":\\{.*}", ""),
                admin.get("/admin/teams/" + ids.get("{team}")).body().replaceAll("\"spend\":\\{.*}", ""),
                admin.get("/admin/users/" + ids.get("{user}")).body().replaceAll("\"spend\":\\{.*}", ""));
    }

    private static String path(String template) {
        String p = template;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            p = p.replace(e.getKey(), e.getValue());
        }
        return p;
    }

    static Stream<Case> badBodies() {
        List<Case> cases = new ArrayList<>();
        // Bodies wrong for any entity, on every create and change route.
        for (String[] route : new String[][] {
                {"POST", "/admin/keys"}, {"POST", "/admin/teams"}, {"POST", "/admin/users"},
                {"PATCH", "/admin/keys/{key}"}, {"PATCH", "/admin/teams/{team}"}, {"PATCH", "/admin/users/{user}"}}) {
            String m = route[0];
            String p = route[1];
            String n = "\"name\":\"ok\",";
            cases.add(new Case(m, p, "{\"name\":", 400, null));
            cases.add(new Case(m, p, "", 400, null));
            cases.add(new Case(m, p, "[]", 400, null));
            cases.add(new Case(m, p, "\"a string\"", 400, null));
            cases.add(new Case(m, p, "{\"name\":\"ok\"} {\"name\":\"again\"}", 400, null));
            cases.add(new Case(m, p, "{\"name\":\"a\",\"name\":\"b\"}", 400, null));
            cases.add(new Case(m, p, "{" + n + "\"nonsense\":1}", 400, "nonsense"));
            cases.add(new Case(m, p, "{" + n + "\"id\":\"mine\"}", 400, "id"));
            cases.add(new Case(m, p, "{" + n + "\"created_at\":0}", 400, "created_at"));
            cases.add(new Case(m, p, "{\"name\":5}", 400, "name"));
            cases.add(new Case(m, p, "{\"name\":\"" + "x".repeat(257) + "\"}", 400, "name"));
            cases.add(new Case(m, p, "{\"name\":\"   \"}", 400, "name"));
            cases.add(new Case(m, p, "{\"name\":\"a\\u0000b\"}", 400, "name"));
            cases.add(new Case(m, p, "{\"name\":\"line\\nbreak\"}", 400, "name"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":\"100\"}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":-1}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":1000000001}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":1.5}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":1e400}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":123456789012345678901234567890}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"rpm_limit\":true}", 400, "rpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"tpm_limit\":[1]}", 400, "tpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"tpm_limit\":1000000000001}", 400, "tpm_limit"));
            cases.add(new Case(m, p, "{" + n + "\"max_parallel\":1000001}", 400, "max_parallel"));
            cases.add(new Case(m, p, "{" + n + "\"max_parallel\":{}}", 400, "max_parallel"));
            cases.add(new Case(m, p, "{" + n + "\"max_budget\":\"10\"}", 400, "max_budget"));
            cases.add(new Case(m, p, "{" + n + "\"max_budget\":-0.01}", 400, "max_budget"));
            cases.add(new Case(m, p, "{" + n + "\"max_budget\":1000000000.01}", 400, "max_budget"));
            cases.add(new Case(m, p, "{" + n + "\"max_budget\":1e999999999}", 400, "max_budget"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":\"30\"}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":\"1y\"}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":\"0d\"}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":\"-1d\"}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":\"1.5h\"}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":\"3651d\"}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"budget_duration\":86400}", 400, "budget_duration"));
            cases.add(new Case(m, p, "{" + n + "\"models\":\"llama3\"}", 400, "models"));
            cases.add(new Case(m, p, "{" + n + "\"models\":[1]}", 400, "models[0]"));
            cases.add(new Case(m, p, "{" + n + "\"models\":[\"ok\",\"\"]}", 400, "models[1]"));
            cases.add(new Case(m, p, "{" + n + "\"models\":[\"" + "m".repeat(257) + "\"]}", 400, "models[0]"));
            cases.add(new Case(m, p, "{" + n + "\"models\":" + manyModels(1001) + "}", 400, "models"));
            cases.add(new Case(m, p, "{" + n + "\"metadata\":[1]}", 400, "metadata"));
            cases.add(new Case(m, p, "{" + n + "\"metadata\":\"x\"}", 400, "metadata"));
            cases.add(new Case(m, p, "{" + n + "\"metadata\":{\"blob\":\"" + "b".repeat(16 * 1024) + "\"}}", 400, "metadata"));
        }
        // Fields only some entities have.
        for (String[] route : new String[][] {{"POST", "/admin/keys"}, {"PATCH", "/admin/keys/{key}"}}) {
            String m = route[0];
            String p = route[1];
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"key\":\"sk-gantry-chosenbyme\"}", 400, "key"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"revoked\":false}", 400, "revoked"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":\"yesterday\"}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":\"2020-01-01T00:00:00Z\"}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":\"2030-01-01T00:00:00\"}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":1000}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":100000000000000000}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":1.9e9}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"expires_at\":true}", 400, "expires_at"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"team_id\":\"team_missing\"}", 400, "team_id"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"team_id\":\"'; DROP TABLE teams; --\"}", 400, "team_id"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"team_id\":7}", 400, "team_id"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"user_id\":\"user_missing\"}", 400, "user_id"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"user_id\":\"" + "u".repeat(65) + "\"}", 400, "user_id"));
            cases.add(new Case(m, p, "{\"name\":\"ok\",\"email\":\"a@b.c\"}", 400, "email"));
        }
        cases.add(new Case("POST", "/admin/keys", "{}", 400, "name"));
        cases.add(new Case("POST", "/admin/keys", "{\"name\":null}", 400, "name"));
        cases.add(new Case("POST", "/admin/teams", "{\"rpm_limit\":5}", 400, "name"));
        cases.add(new Case("PATCH", "/admin/teams/{team}", "{\"name\":null}", 400, "name"));
        cases.add(new Case("PATCH", "/admin/keys/{key}", "{}", 400, null));
        cases.add(new Case("POST", "/admin/teams", "{\"name\":\"ok\",\"team_id\":\"x\"}", 400, "team_id"));
        for (String[] route : new String[][] {{"POST", "/admin/users"}, {"PATCH", "/admin/users/{user}"}}) {
            cases.add(new Case(route[0], route[1], "{\"email\":\"nobody\"}", 400, "email"));
            cases.add(new Case(route[0], route[1], "{\"email\":\"a b@example.com\"}", 400, "email"));
            cases.add(new Case(route[0], route[1], "{\"email\":\"x@\"}", 400, "email"));
            cases.add(new Case(route[0], route[1], "{\"email\":\"" + "e".repeat(320) + "@x.io\"}", 400, "email"));
            cases.add(new Case(route[0], route[1], "{\"email\":[\"a@b.c\"]}", 400, "email"));
            cases.add(new Case(route[0], route[1], "{\"team_id\":\"team_missing\"}", 400, "team_id"));
            cases.add(new Case(route[0], route[1], "{\"expires_at\":\"2099-01-01\"}", 400, "expires_at"));
        }
        // Oversized bodies: the admin API reads at most 1 MiB.
        String huge = "{\"name\":\"" + "h".repeat(2 * 1024 * 1024) + "\"}";
        for (String[] route : new String[][] {{"POST", "/admin/keys"}, {"POST", "/admin/teams"}, {"POST", "/admin/users"},
                {"PATCH", "/admin/keys/{key}"}, {"PATCH", "/admin/teams/{team}"}, {"PATCH", "/admin/users/{user}"}}) {
            cases.add(new Case(route[0], route[1], huge, 413, null));
        }
        // Query strings of the reports.
        cases.add(new Case("GET", "/admin/spend?group_by=nope", null, 400, "group_by"));
        cases.add(new Case("GET", "/admin/spend?group_by=key%3BDROP%20TABLE%20spend_events", null, 400, "group_by"));
        cases.add(new Case("GET", "/admin/spend?group_by=key&group_by=team", null, 400, "group_by"));
        cases.add(new Case("GET", "/admin/spend?from=yesterday", null, 400, "from"));
        cases.add(new Case("GET", "/admin/spend?to=2024-13-45", null, 400, "to"));
        cases.add(new Case("GET", "/admin/spend?from=2024-05-02&to=2024-05-01", null, 400, "from"));
        cases.add(new Case("GET", "/admin/spend?since=2024-05-01", null, 400, "since"));
        cases.add(new Case("GET", "/admin/spend?group_by=key;DROP%20TABLE%20spend_events", null, 400, null));
        cases.add(new Case("GET", "/admin/audit?limit=0", null, 400, "limit"));
        cases.add(new Case("GET", "/admin/audit?limit=1001", null, 400, "limit"));
        cases.add(new Case("GET", "/admin/audit?limit=ten", null, 400, "limit"));
        cases.add(new Case("GET", "/admin/audit?before=-1", null, 400, "before"));
        cases.add(new Case("GET", "/admin/audit?before=1%20OR%201=1", null, 400, "before"));
        cases.add(new Case("GET", "/admin/audit?offset=5", null, 400, "offset"));
        return cases.stream();
    }

    private static String manyModels(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("\"m").append(i).append('"');
        }
        return sb.append(']').toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputIsRefusedNamingTheFieldAndNothingIsStored(Case c) {
        HttpResponse<String> r = admin.send(c.method(), path(c.path()), c.body(), RunningGantry.MASTER_KEY);

        JsonNode error = Api.assertOpenAiError(r, c.status());
        if (c.param() != null) {
            assertThat(error.path("param").asText()).as(r.body()).isEqualTo(c.param());
            assertThat(error.path("message").asText()).contains(c.param());
        }
        if (c.status() == 400) {
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        } else {
            assertThat(error.path("code").asText()).isEqualTo("request_too_large");
        }
    }

    @Test
    void aBodyAtTheLimitOfEveryFieldIsStillAccepted() {
        StringBuilder models = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            models.append(i == 0 ? "" : ",").append('"').append(String.format("%0256d", i)).append('"');
        }
        models.append(']');
        String body = "{\"name\":\"" + "n".repeat(256) + "\",\"rpm_limit\":1000000000,\"tpm_limit\":1000000000000,"
                + "\"max_parallel\":1000000,\"max_budget\":1000000000,\"budget_duration\":\"3650d\",\"expires_at\":\"9999-12-31T00:00:00Z\","
                + "\"metadata\":{\"blob\":\"" + "b".repeat(16 * 1024 - 12) + "\"},\"models\":" + models + "}";

        JsonNode k = AdminHttp.created(admin.post("/admin/keys", body));

        assertThat(k.path("models")).hasSize(1000);
        assertThat(k.path("max_budget").decimalValue()).isEqualByComparingTo("1000000000");
        assertThat(k.path("budget_duration").asText()).isEqualTo("3650d");
        // This case adds a key and its audit line on purpose.
        counts.merge("api_keys", 1L, Long::sum);
        counts.merge("audit_log", 1L, Long::sum);
    }
}
