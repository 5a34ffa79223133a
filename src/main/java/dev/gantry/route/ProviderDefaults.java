package dev.gantry.route;

import java.util.Map;

/**
 * What a deployment gets when its config leaves something out: the provider's public base URL
 * and the environment variable its API key usually lives in.
 */
public final class ProviderDefaults {

    public static final String ANTHROPIC = "https://api.anthropic.com";
    public static final String GEMINI = "https://generativelanguage.googleapis.com/v1beta";

    private ProviderDefaults() {}

    /** The base URL to use when none is configured; {@code region} matters for Bedrock only. */
    public static String baseUrl(ProviderType type, String region, String defaultOllama) {
        return switch (type) {
            case OLLAMA -> defaultOllama;
            case OPENAI -> UpstreamUrls.DEFAULT_OPENAI;
            case AZURE -> throw new IllegalArgumentException("azure deployments need base_url");
            case ANTHROPIC -> ANTHROPIC;
            case GEMINI -> GEMINI;
            case BEDROCK -> "https://bedrock-runtime." + (region == null ? "us-east-1" : region) + ".amazonaws.com";
        };
    }

    /** The conventional environment variable holding this provider's key, or null (Ollama, Bedrock use none). */
    public static String apiKeyVariable(ProviderType type) {
        return switch (type) {
            case OPENAI -> "OPENAI_API_KEY";
            case AZURE -> "AZURE_API_KEY";
            case ANTHROPIC -> "ANTHROPIC_API_KEY";
            case GEMINI -> "GEMINI_API_KEY";
            case OLLAMA, BEDROCK -> null;
        };
    }

    /** The configured key, else the provider's usual environment variable (only for the provider's own public URL). */
    public static String apiKey(ProviderType type, String configured, boolean publicUrl, Map<String, String> env) {
        if (configured != null) {
            return configured;
        }
        String variable = apiKeyVariable(type);
        // A self-hosted OpenAI-compatible server must not receive the real OpenAI key by accident.
        if (variable == null || (type == ProviderType.OPENAI && !publicUrl)) {
            return null;
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : value;
    }

    /** Bedrock's region: config, else AWS_REGION, else AWS_DEFAULT_REGION. */
    public static String awsRegion(String configured, Map<String, String> env) {
        if (configured != null) {
            return configured;
        }
        String region = env.get("AWS_REGION");
        return region != null && !region.isBlank() ? region : env.get("AWS_DEFAULT_REGION");
    }
}
