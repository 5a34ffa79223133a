package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gantry.integration.matrix.ProviderKind;
import dev.gantry.integration.matrix.Upstreams;
import dev.gantry.testing.RunningGantry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@code clients/node/matrix-client-test.mjs} with each official npm client ({@code openai},
 * {@code @anthropic-ai/sdk}, {@code ollama}) against one Gantry that has a model per provider kind,
 * each backed by its fake. Needs Node.js and {@code npm ci --prefix clients/node}; fails, never
 * skips, without them.
 */
class NodeClientMatrixTest {

    private static final Path CLIENT_DIR = Path.of("clients", "node");
    private static final long TIMEOUT_SECONDS = 90;

    private static Upstreams upstreams;
    private static RunningGantry gantry;

    @BeforeAll
    static void start() throws Exception {
        upstreams = Upstreams.start();
        gantry = RunningGantry.start(upstreams.config(), "http://127.0.0.1:1");
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (upstreams != null) {
            upstreams.close();
        }
    }

    /** What the script needs to know of each provider model: the fake's greeting and token counts. */
    private static String matrix() {
        ArrayNode list = new ObjectMapper().createArrayNode();
        for (ProviderKind k : ProviderKind.values()) {
            list.addObject().put("provider", k.id()).put("model", k.publicModel()).put("greeting", k.greeting())
                    .put("promptTokens", k.promptTokens()).put("cacheReadTokens", k.cacheReadTokens())
                    .put("outputTokens", k.outputTokens(false)).put("toolTokens", k.outputTokens(true))
                    .put("embeddings", k.embeddings());
        }
        return list.toString();
    }

    @ParameterizedTest(name = "npm {1} against every provider kind")
    @CsvSource({"openai, openai", "anthropic, @anthropic-ai/sdk", "ollama, ollama"})
    void anOfficialNpmClientWorksAgainstEveryProviderKind(String client, String npmPackage) throws Exception {
        Path repoRoot = Path.of("").toAbsolutePath();
        Path script = repoRoot.resolve(CLIENT_DIR).resolve("matrix-client-test.mjs");
        assertThat(script).as("the Node matrix script").exists();
        if (!Files.isDirectory(repoRoot.resolve(CLIENT_DIR).resolve("node_modules").resolve(npmPackage))) {
            fail("clients/node/node_modules/" + npmPackage + " is missing: run `npm ci --prefix clients/node` first "
                    + "(CI does this before `mvn test`); this test does not skip without it.");
        }
        upstreams.reset();
        ProcessBuilder builder = new ProcessBuilder("node", repoRoot.relativize(script).toString(), client)
                .directory(repoRoot.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GANTRY_URL", gantry.baseUrl());
        builder.environment().put("GANTRY_KEY", RunningGantry.MASTER_KEY);
        builder.environment().put("GANTRY_MATRIX", matrix());
        for (String leaked : new String[] {"OPENAI_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY",
                "ANTHROPIC_AUTH_TOKEN", "OLLAMA_HOST"}) {
            builder.environment().remove(leaked);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            fail("could not run `node` (is Node.js installed and on PATH?): " + e.getMessage(), e);
            return;
        }
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        reader.join(5_000);
        String log = output.toString(StandardCharsets.UTF_8);
        System.out.print(log);

        assertThat(finished).as("node did not finish within %d s; output so far:%n%s", TIMEOUT_SECONDS, log).isTrue();
        assertThat(process.exitValue()).as("node matrix-client-test.mjs %s exit code; output:%n%s", client, log).isZero();
        assertThat(log).as("output").contains("checks passed").doesNotContain("FAIL");
        for (ProviderKind k : ProviderKind.values()) {
            assertThat(log).as("a tally for %s", k).containsPattern("tally " + client + " " + k.id() + " (\\d+)/\\1\\b");
            assertThat(upstreams.chats(k)).as("chats that reached %s", k).isNotEmpty();
            if (client.equals("ollama") && k.embeddings() && k != ProviderKind.AZURE) { // FakeAzure keeps only its last request
                assertThat(upstreams.embeddingCount(k)).as("embedding requests that reached %s", k).isPositive();
            }
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read so far is in the assertion message
        }
    }
}
