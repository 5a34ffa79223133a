package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the client check scripts in {@code clients/node} with an official npm client. Fails
 * (never skips) when Node.js or the package is missing; asserts the script finished in time, exited
 * 0 and said "checks passed"; returns its output for further checks.
 */
final class NodeScript {

    private static final Path CLIENT_DIR = Path.of("clients", "node");
    /** Variables a developer's shell may set that would point a client somewhere else. */
    private static final List<String> LEAKY = List.of("OPENAI_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL",
            "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OLLAMA_HOST", "OLLAMA_API_KEY");

    private NodeScript() {}

    static String run(String script, String npmPackage, Map<String, String> env, long timeoutSeconds, String... args)
            throws Exception {
        Path repoRoot = Path.of("").toAbsolutePath();
        Path file = repoRoot.resolve(CLIENT_DIR).resolve(script);
        assertThat(file).as("the Node client check script").exists();
        if (!Files.isDirectory(repoRoot.resolve(CLIENT_DIR).resolve("node_modules").resolve(npmPackage))) {
            fail("clients/node/node_modules/" + npmPackage + " is missing: run `npm ci --prefix clients/node` first "
                    + "(`./gantry test` does); this test does not skip without it.");
        }
        String[] command = new String[args.length + 2];
        command[0] = "node";
        command[1] = repoRoot.relativize(file).toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true);
        LEAKY.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("could not run `node` (is Node.js installed and on PATH?): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        reader.join(5_000);
        String log;
        synchronized (output) {
            log = output.toString(StandardCharsets.UTF_8);
        }
        System.out.print(log);
        assertThat(finished).as("node did not finish within %d s; output so far:%n%s", timeoutSeconds, log).isTrue();
        assertThat(process.exitValue()).as("node %s exit code; output:%n%s", String.join(" ", command), log).isZero();
        assertThat(log).as("output").contains("checks passed");
        return log;
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
