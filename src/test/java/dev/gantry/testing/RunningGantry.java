package dev.gantry.testing;

import dev.gantry.Gantry;
import dev.gantry.auth.MasterKey;
import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.config.Settings;
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
        Path dataDir = Files.createTempDirectory("gantry-test");
        Settings settings = new Settings("127.0.0.1", 0, null, dataDir, MASTER_KEY, ollamaHost);
        GantryConfig config = yaml.isBlank() ? GantryConfig.empty() : new ConfigLoader(Map.of()).parse(yaml, "test.yaml");
        Gantry gantry = Gantry.start(settings, config, MasterKey.of(MASTER_KEY));
        return new RunningGantry(gantry, dataDir);
    }

    public int port() {
        return gantry.port();
    }

    /** e.g. {@code http://127.0.0.1:PORT} (no /v1). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The database side of the running server (keys, spend...). */
    public dev.gantry.store.Stores stores() {
        return gantry.stores();
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
