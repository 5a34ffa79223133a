package dev.gantry.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Process-level settings that come from the environment, never from the config file. {@code env}
 * is kept for what the config may leave to it: provider API keys and AWS settings.
 */
public record Settings(String host, int port, Path configFile, Path dataDir, String masterKey, String ollamaHost,
                       Map<String, String> env) {

    public Settings {
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    public Settings(String host, int port, Path configFile, Path dataDir, String masterKey, String ollamaHost) {
        this(host, port, configFile, dataDir, masterKey, ollamaHost, Map.of());
    }

    @Override
    public String toString() {
        return "Settings[" + host + ":" + port + "]"; // env holds secrets
    }

    public static Settings fromEnv(Map<String, String> env) {
        String portText = env.getOrDefault("GANTRY_PORT", "4000");
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("GANTRY_PORT must be a number, got '" + portText + "'");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("GANTRY_PORT must be between 0 and 65535, got " + port);
        }
        String config = blankToNull(env.get("GANTRY_CONFIG"));
        String masterKey = blankToNull(env.get("GANTRY_MASTER_KEY"));
        if (masterKey != null && masterKey.length() < 16) {
            throw new ConfigException("GANTRY_MASTER_KEY must be at least 16 characters");
        }
        return new Settings(
                env.getOrDefault("GANTRY_HOST", "0.0.0.0"),
                port,
                config == null ? null : Path.of(config),
                Path.of(env.getOrDefault("GANTRY_DATA_DIR", "gantry-data")),
                masterKey,
                blankToNull(env.get("OLLAMA_HOST")),
                env);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
