package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.RunningGantry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code clients/node/ollama-client-test.mjs} (the official {@code ollama} npm package) against
 * a real Gantry that has one fake Ollama node and one fake OpenAI-compatible server behind it.
 * Needs Node.js and {@code npm ci --prefix clients/node}.
 */
class NodeOllamaClientTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String EMBED_MODEL = "nomic-embed-text:latest";
    private static final String BROKEN_MODEL = "broken:1b";
    private static final String OPENAI_MODEL = "gpt-4o-mini";
    private static final Path CLIENT_DIR = Path.of("clients", "node");
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void officialOllamaNpmPackageWorksAgainstGantry() throws Exception {
        Path repoRoot = Path.of("").toAbsolutePath();
        Path script = repoRoot.resolve(CLIENT_DIR).resolve("ollama-client-test.mjs");
        assertThat(script).as("the Node client check script").exists();
        if (!Files.isDirectory(repoRoot.resolve(CLIENT_DIR).resolve("node_modules").resolve("ollama"))) {
            fail("clients/node/node_modules/ollama is missing: run `npm ci --prefix clients/node` first "
                    + "(CI does this before `mvn test`); this test does not skip without it.");
        }

        try (FakeOllama ollama = FakeOllama.start(MODEL, EMBED_MODEL, BROKEN_MODEL);
             FakeOpenAi openai = FakeOpenAi.start(OPENAI_MODEL)) {
            ollama.behaviour(BROKEN_MODEL).inBandErrorAfterChunks(2, "boom: the node ran out of memory");
            String config = """
                    limits: { drain_timeout: 1s }
                    models:
                      - name: %s
                        deployments:
                          - provider: openai
                            base_url: %s
                            model: %s
                            api_key: sk-fake-upstream-key-for-tests
                    """.formatted(OPENAI_MODEL, openai.baseUrl(), OPENAI_MODEL);
            try (RunningGantry gantry = RunningGantry.start(config, ollama.baseUrl())) {
                ProcessBuilder builder = new ProcessBuilder("node", repoRoot.relativize(script).toString())
                        .directory(repoRoot.toFile())
                        .redirectErrorStream(true);
                builder.environment().put("GANTRY_URL", gantry.baseUrl());
                builder.environment().put("GANTRY_KEY", RunningGantry.MASTER_KEY);
                builder.environment().put("GANTRY_MODEL", MODEL);
                builder.environment().put("GANTRY_OPENAI_MODEL", OPENAI_MODEL);
                builder.environment().put("GANTRY_EMBED_MODEL", EMBED_MODEL);
                builder.environment().put("GANTRY_BROKEN_MODEL", BROKEN_MODEL);
                builder.environment().remove("OLLAMA_HOST");
                builder.environment().remove("OLLAMA_API_KEY");

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
                assertThat(process.exitValue()).as("node ollama-client-test.mjs exit code; output:%n%s", log).isZero();
                assertThat(log).as("output").contains("checks passed").doesNotContain("skipped");
                assertThat(ollama.chatRequests()).as("chats relayed to the Ollama node").isNotEmpty();
                assertThat(openai.chatRequests()).as("chats translated for the OpenAI server").isNotEmpty();
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
