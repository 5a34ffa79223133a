package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.auth.KeySecrets;
import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gantry keys create|list|revoke} against a running Gantry, in-process. */
@Timeout(120)
class KeysCommandTest {

    private static FakeOllama ollama;
    private static RunningGantry gantry;

    @TempDir
    Path dir;

    /** What one CLI run printed and returned. */
    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        ollama = FakeOllama.start("llama3.2:1b");
        gantry = RunningGantry.start("limits: { drain_timeout: 1s }\n", ollama.baseUrl());
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

    private static Run gantry(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new KeysCommand(env));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Map<String, String> masterEnv() {
        return Map.of("GANTRY_MASTER_KEY", RunningGantry.MASTER_KEY, "GANTRY_PORT", Integer.toString(gantry.port()));
    }

    private static int modelsStatus(String key) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(gantry.baseUrl() + "/v1/models")).header("authorization", "Bearer " + key).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void createPrintsTheSecretOnceAndItWorks() throws Exception {
        Run run = gantry(masterEnv(), "create", "--name", "laptop", "--models", "llama3,gpt-4o", "--rpm", "60", "--budget", "2.5",
                "--budget-duration", "30d");

        assertThat(run.exit()).as(run.err()).isZero();
        String secret = run.out().strip();
        assertThat(secret).startsWith(KeySecrets.PREFIX).doesNotContain("\n");
        assertThat(run.err()).contains("only this once").doesNotContain(secret);
        assertThat(modelsStatus(secret)).isEqualTo(200);
        var key = gantry.stores().directory().keyByHash(KeySecrets.hash(secret));
        assertThat(key.policy().models()).containsExactly("llama3", "gpt-4o");
        assertThat(key.policy().rpmLimit()).isEqualTo(60);
        assertThat(key.policy().maxBudgetNanos()).isEqualTo(2_500_000_000L);
        assertThat(key.policy().budgetDuration()).hasDays(30);
    }

    @Test
    void listShowsATableWithoutSecrets() {
        String secret = gantry(masterEnv(), "create", "--name", "listed-key").out().strip();
        String revokedId = idOf(gantry(masterEnv(), "create", "--name", "to-revoke").out().strip());
        assertThat(gantry(masterEnv(), "revoke", revokedId).exit()).isZero();

        Run list = gantry(masterEnv(), "list", "--url", gantry.baseUrl());

        assertThat(list.exit()).as(list.err()).isZero();
        String[] lines = list.out().split("\n");
        assertThat(lines[0]).startsWith("ID").contains("NAME", "PREFIX", "TEAM", "USER", "MODELS", "STATUS", "CREATED");
        assertThat(list.out()).contains("listed-key").contains(KeySecrets.displayPrefix(secret))
                .doesNotContain(secret).doesNotContain(KeySecrets.hash(secret));
        assertThat(lineWith(lines, revokedId)).contains("revoked");
        assertThat(lineWith(lines, "listed-key")).contains("active").contains(" all ");
    }

    @Test
    void revokeStopsTheKey() throws Exception {
        String secret = gantry(masterEnv(), "create", "--name", "short-lived").out().strip();
        String id = idOf(secret);

        Run run = gantry(masterEnv(), "revoke", id);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Revoked key " + id);
        assertThat(modelsStatus(secret)).isEqualTo(401);
    }

    @Test
    void theMasterKeyIsReadFromTheDataDirectoryWhenNotInTheEnvironment() throws Exception {
        Files.writeString(dir.resolve("master.key"), RunningGantry.MASTER_KEY + "\n");

        Run run = gantry(Map.of("GANTRY_DATA_DIR", dir.toString()), "list", "--url", gantry.baseUrl());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("ID");
    }

    @Test
    void failuresSayWhatIsWrongWithAnExitCode() throws Exception {
        Run noKey = gantry(Map.of("GANTRY_DATA_DIR", dir.toString()), "list", "--url", gantry.baseUrl());
        Run wrongKey = gantry(Map.of("GANTRY_MASTER_KEY", "sk-gantry-not-the-master-key"), "list", "--url", gantry.baseUrl());
        Run badInput = gantry(masterEnv(), "create", "--name", "x", "--budget-duration", "1y");
        Run unknownKey = gantry(masterEnv(), "revoke", "key_doesnotexist");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Run down = gantry(masterEnv(), "list", "--url", "http://127.0.0.1:" + closedPort);
        Run notANumber = gantry(masterEnv(), "create", "--name", "x", "--rpm", "lots");

        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("GANTRY_MASTER_KEY").contains("master.key");
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("HTTP 401");
        assertThat(badInput.exit()).isEqualTo(1);
        assertThat(badInput.err()).contains("budget_duration").contains("HTTP 400");
        assertThat(unknownKey.exit()).isEqualTo(1);
        assertThat(unknownKey.err()).contains("HTTP 404");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach Gantry at http://127.0.0.1:" + closedPort);
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.out()).isEmpty();
    }

    @Test
    void theMainCommandKnowsKeys() {
        StringWriter out = new StringWriter();
        CommandLine main = new CommandLine(new Main());
        main.setOut(new PrintWriter(out));

        assertThat(main.execute("keys", "--help")).isZero();
        assertThat(out.toString()).contains("create").contains("list").contains("revoke");
    }

    private static String idOf(String secret) {
        return gantry.stores().directory().keyByHash(KeySecrets.hash(secret)).id();
    }

    private static String lineWith(String[] lines, String text) {
        for (String l : lines) {
            if (l.contains(text)) {
                return l;
            }
        }
        throw new AssertionError("no line with " + text);
    }
}
