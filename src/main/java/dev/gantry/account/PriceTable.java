package dev.gantry.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.GantryConfig.Price;
import dev.gantry.provider.Json;
import dev.gantry.route.ProviderType;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Built-in prices of well-known cloud models ({@code prices.json}), found by the longest prefix of
 * the upstream model id, so dated versions ({@code gpt-4o-2024-08-06}) and region-prefixed Bedrock
 * ids ({@code us.anthropic.claude-sonnet-4-...}) match their family. Only used for deployments
 * that set no {@code price}; a self-hosted server is never priced by table.
 */
public final class PriceTable {

    private static final Map<String, Map<String, Price>> BY_VENDOR = load();

    private PriceTable() {}

    /** The price to charge for a deployment that configured none. */
    public static Price lookup(ProviderType provider, String baseUrl, String upstreamModel) {
        String model = upstreamModel.toLowerCase(Locale.ROOT);
        return switch (provider) {
            case OLLAMA -> Price.FREE;
            case ANTHROPIC -> find("anthropic", model);
            case GEMINI -> find("gemini", model);
            case AZURE -> find("openai", model);
            case BEDROCK -> find("anthropic", model.substring(model.indexOf("claude") < 0 ? 0 : model.indexOf("claude")));
            case OPENAI -> openAiCompatible(baseUrl, model);
        };
    }

    private static Price openAiCompatible(String baseUrl, String model) {
        String host = baseUrl.toLowerCase(Locale.ROOT);
        if (host.contains("api.openai.com")) {
            return find("openai", model);
        }
        if (host.contains("api.mistral.ai")) {
            return find("mistral", model);
        }
        if (host.contains("api.groq.com")) {
            return find("groq", model);
        }
        if (host.contains("api.deepseek.com")) {
            return find("deepseek", model);
        }
        return Price.FREE; // vLLM, llama.cpp, LM Studio...: our own hardware
    }

    private static Price find(String vendor, String model) {
        Map<String, Price> prices = BY_VENDOR.getOrDefault(vendor, Map.of());
        String best = null;
        for (String prefix : prices.keySet()) {
            if (model.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? Price.FREE : prices.get(best);
    }

    private static Map<String, Map<String, Price>> load() {
        try (InputStream in = PriceTable.class.getResourceAsStream("/prices.json")) {
            JsonNode root = Json.MAPPER.readTree(in);
            Map<String, Map<String, Price>> out = new LinkedHashMap<>();
            root.fields().forEachRemaining(vendor -> {
                if (vendor.getKey().startsWith("_")) {
                    return;
                }
                Map<String, Price> prices = new LinkedHashMap<>();
                vendor.getValue().fields().forEachRemaining(m ->
                        prices.put(m.getKey(), new Price(m.getValue().get(0).asDouble(), m.getValue().get(1).asDouble())));
                out.put(vendor.getKey(), Map.copyOf(prices));
            });
            return Map.copyOf(out);
        } catch (Exception e) {
            throw new IllegalStateException("prices.json is missing or invalid", e);
        }
    }
}
