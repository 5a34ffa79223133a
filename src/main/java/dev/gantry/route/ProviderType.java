package dev.gantry.route;

/** The upstream API a deployment speaks. */
public enum ProviderType {
    OLLAMA, OPENAI, AZURE, ANTHROPIC, GEMINI, BEDROCK;

    public static ProviderType of(String name) {
        return ProviderType.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
