package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gantry.fake.FakeOllama;
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
 * Runs {@code clients/node/anthropic-client-test.mjs} (the official {@code @anthropic-ai/sdk} npm SDK) against a
 * real Gantry in front of a fake Ollama. Needs Node.js and {@code npm ci --prefix clients/node}.
 */
class NodeAnthropicClientTest {

    private static final String MODEL = "llama3.2:1b";
    private static final Path CLIENT_DIR = Path.of("clients", "node");
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void officialAnthropicNodeSdkWorksAgainstGantry() throws Exception {
        Path repoRoot = Path.of("").toAbsolutePath();
        Path script = repoRoot.resolve(CLIENT_DIR).resolve("anthropic-client-test.mjs");
        assertThat(script).as("the Node client check script").exists();
        if (!Files.isDirectory(repoRoot.resolve(CLIENT_DIR).resolve("node_modules").resolve("@anthropic-ai").resolve("sdk"))) {
            fail("clients/node/node_modules is missing: run `npm ci --prefix clients/node` first "
                    + "(CI does this before `mvn test`); this test does not skip without it.");
        }

        try (FakeOllama ollama = FakeOllama.start()) {
            ollama.setModels(MODEL);
            try (RunningGantry gantry = RunningGantry.start("", ollama.baseUrl())) {
                ProcessBuilder builder = new ProcessBuilder("node", repoRoot.relativize(script).toString())
                        .directory(repoRoot.toFile())
                        .redirectErrorStream(true);
                builder.environment().put("GANTRY_BASE_URL", gantry.baseUrl());
                builder.environment().put("GANTRY_KEY", RunningGantry.MASTER_KEY);
                builder.environment().put("GANTRY_MODEL", MODEL);
                builder.environment().remove("ANTHROPIC_BASE_URL");
                builder.environment().remove("ANTHROPIC_API_KEY");
                builder.environment().remove("ANTHROPIC_AUTH_TOKEN");

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
                assertThat(process.exitValue()).as("node anthropic-client-test.mjs exit code; output:%n%s", log).isZero();
                assertThat(log).as("output").contains("checks passed");
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
