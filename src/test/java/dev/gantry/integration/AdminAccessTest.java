package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Only the master key may use the admin API: no key or a wrong key is 401, a virtual key (even a
 * valid one) is 403, on every route, before the body is read, and nothing changes.
 */
@Timeout(120)
class AdminAccessTest {

    private static FakeOllama ollama;
    private static RunningGantry gantry;
    private static AdminHttp admin;
    private static String virtualKey;
    private static String keyId;

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start("llama3.2:1b");
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
        admin = new AdminHttp(gantry);
        JsonNode k = admin.createKey(AdminHttp.body("not an admin"));
        virtualKey = k.path("key").asText();
        keyId = k.path("id").asText();
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

    static Stream<String[]> routes() {
        return Stream.of(
                new String[] {"POST", "/admin/keys"}, new String[] {"GET", "/admin/keys"}, new String[] {"GET", "/admin/keys/{id}"},
                new String[] {"PATCH", "/admin/keys/{id}"}, new String[] {"DELETE", "/admin/keys/{id}"},
                new String[] {"POST", "/admin/teams"}, new String[] {"GET", "/admin/teams"}, new String[] {"GET", "/admin/teams/x"},
                new String[] {"PATCH", "/admin/teams/x"}, new String[] {"DELETE", "/admin/teams/x"},
                new String[] {"POST", "/admin/users"}, new String[] {"GET", "/admin/users"}, new String[] {"GET", "/admin/users/x"},
                new String[] {"PATCH", "/admin/users/x"}, new String[] {"DELETE", "/admin/users/x"},
                new String[] {"GET", "/admin/spend"}, new String[] {"GET", "/admin/audit"});
    }

    private static HttpResponse<String> call(String[] route, String body, String key) {
        boolean withBody = route[0].equals("POST") || route[0].equals("PATCH");
        return admin.send(route[0], route[1].replace("{id}", keyId), withBody ? body : null, key);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("routes")
    void withoutAKeyOrWithAWrongOneItIs401(String method, String path) {
        String[] route = {method, path};
        long audit = AdminApiTest.count(gantry, "audit_log");

        JsonNode none = Api.assertOpenAiError(call(route, "{\"name\":\"x\"}", null), 401);
        JsonNode wrong = Api.assertOpenAiError(call(route, "{\"name\":\"x\"}", "sk-gantry-wrongwrongwrongwrongwrongwrongwrong"), 401);
        Api.assertOpenAiError(call(route, "{\"name\":\"x\"}", RunningGantry.MASTER_KEY + "x"), 401);

        assertThat(none.path("type").asText()).isEqualTo("authentication_error");
        assertThat(wrong.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(AdminApiTest.count(gantry, "audit_log")).isEqualTo(audit);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("routes")
    void aVirtualKeyIs403(String method, String path) {
        long audit = AdminApiTest.count(gantry, "audit_log");

        JsonNode error = Api.assertOpenAiError(call(new String[] {method, path}, "{\"name\":\"x\"}", virtualKey), 403);

        assertThat(error.path("type").asText()).isEqualTo("permission_error");
        assertThat(error.path("message").asText()).contains("master key");
        assertThat(AdminApiTest.count(gantry, "audit_log")).isEqualTo(audit);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("routes")
    void theKeyIsCheckedBeforeAnOversizedBodyIsRead(String method, String path) {
        String huge = "{\"name\":\"" + "h".repeat(3 * 1024 * 1024) + "\"}";

        for (String key : new String[] {null, virtualKey}) {
            HttpResponse<String> r = call(new String[] {method, path}, huge, key);
            assertThat(r.statusCode()).as("%s %s with key %s", method, path, key).isEqualTo(key == null ? 401 : 403);
        }
        assertThat(List.of(AdminHttp.ok(admin.get("/admin/keys/" + keyId)).path("revoked").asBoolean())).containsExactly(false);
    }
}
