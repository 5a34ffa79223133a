package dev.gantry.testing;

import dev.gantry.Gantry;
import dev.gantry.auth.MasterKey;
import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.config.Settings;
import dev.gantry.provider.Json;
import dev.gantry.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Gantry server started in-process on an ephemeral port, for tests. The config is given
 * as YAML text (as a user would write it), and the Ollama host for discovery is explicit, so a
 * test never depends on what runs on this machine's port 11434.
 */
public final class RunningGantry implements AutoCloseable {

    public static final String MASTER_KEY = "sk-gantry-test-master-key-0123456789";

    private final Gantry gantry;
    private final Path dataDir;

    private RunningGantry(Gantry gantry, Path dataDir) {
        this.gantry = gantry;
        this.dataDir = dataDir;
    }

    /**
     * @param yaml config file text ("" for none)
     * @param ollamaHost what OLLAMA_HOST would be (e.g. a fake's URL); discovery polls it
     */
    public static RunningGantry start(String yaml, String ollamaHost) throws Exception {
        return start(yaml, ollamaHost, Backends.EMBEDDED);
    }

    /**
     * The database and shared state to use instead of the embedded defaults; null parts stay
     * embedded. E.g. {@code Backends.store(PostgresServer.shared().createDatabase())}.
     */
    public record Backends(String storeUrl, String redisUrl) {

        public static final Backends EMBEDDED = new Backends(null, null);

        public static Backends store(String storeUrl) {
            return new Backends(storeUrl, null);
        }
    }

    /** As {@link #start(String, String)}, with the store (and Redis) of {@code backends}; the yaml must not set them itself. */
    public static RunningGantry start(String yaml, String ollamaHost, Backends backends) throws Exception {
        Path dataDir = Files.createTempDirectory("gantry-test");
        Settings settings = new Settings("127.0.0.1", 0, null, dataDir, MASTER_KEY, ollamaHost);
        String text = yaml + section("store", backends.storeUrl()) + section("redis", backends.redisUrl());
        GantryConfig config = text.isBlank() ? GantryConfig.empty() : new ConfigLoader(Map.of()).parse(text, "test.yaml");
        Gantry gantry = Gantry.start(settings, config, MasterKey.of(MASTER_KEY));
        return new RunningGantry(gantry, dataDir);
    }

    /** A top-level {@code name: {url: ...}} block appended to the YAML, or nothing. */
    private static String section(String name, String url) throws Exception {
        return url == null ? "" : "\n" + name + ":\n  url: " + Json.MAPPER.writeValueAsString(url) + "\n";
    }

    /** The server's database side (keys, spend, audit), for setting up and checking state directly. */
    public Stores stores() {
        return gantry.stores();
    }

    public int port() {
        return gantry.port();
    }

    /** e.g. {@code http://127.0.0.1:PORT} (no /v1). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The spend pipeline of the running server ({@code flush()} waits until the database has everything). */
    public dev.gantry.account.SpendRecorder spend() {
        return gantry.spend();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        gantry.stop();
    }
}
