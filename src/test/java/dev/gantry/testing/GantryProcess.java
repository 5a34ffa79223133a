package dev.gantry.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gantry in a child JVM (the test's own classpath), for what an in-process server cannot show:
 * {@code kill -9}, restarts on the same data directory, two instances side by side. Output goes
 * to {@code gantry.out} in the data directory.
 */
public final class GantryProcess implements AutoCloseable {

    private final Path dataDir;
    private final Path configFile;
    private final Map<String, String> env;
    private final int port;
    private Process process;

    private GantryProcess(Path dataDir, Path configFile, Map<String, String> env, int port) {
        this.dataDir = dataDir;
        this.configFile = configFile;
        this.env = env;
        this.port = port;
    }

    /** Starts Gantry with this config and waits until it serves; {@code extraEnv} adds to GANTRY_* settings. */
    public static GantryProcess start(Path dataDir, String yaml, Map<String, String> extraEnv) throws Exception {
        Files.createDirectories(dataDir);
        Path config = dataDir.resolve("gantry.yaml");
        Files.writeString(config, yaml);
        GantryProcess p = new GantryProcess(dataDir, config, Map.copyOf(extraEnv), freePort());
        p.launch();
        return p;
    }

    public void launch() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.gantry.cli.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("gantry.out").toFile()));
        Map<String, String> e = pb.environment();
        e.put("GANTRY_PORT", Integer.toString(port));
        e.put("GANTRY_HOST", "127.0.0.1");
        e.put("GANTRY_DATA_DIR", dataDir.toString());
        e.put("GANTRY_CONFIG", configFile.toString());
        e.put("GANTRY_MASTER_KEY", RunningGantry.MASTER_KEY);
        e.putIfAbsent("OLLAMA_HOST", "http://127.0.0.1:" + freePort());
        e.putAll(env);
        process = pb.start();
        awaitLive(Duration.ofSeconds(30));
    }

    private void awaitLive(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Gantry exited with " + process.exitValue() + "; see " + dataDir.resolve("gantry.out"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health/live"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException ignored) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Gantry did not come up within " + timeout + "; see " + dataDir.resolve("gantry.out"));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** SIGKILL: no shutdown hook, no flush, exactly like {@code kill -9}. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and wait: a graceful stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
