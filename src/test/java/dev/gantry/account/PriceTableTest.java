package dev.gantry.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig.Price;
import dev.gantry.route.ProviderType;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    @Test
    void wellKnownCloudModelsArePricedByTheirFamily() {
        assertThat(PriceTable.lookup(ProviderType.OPENAI, "https://api.openai.com/v1", "gpt-4o-mini-2024-07-18"))
                .isEqualTo(new Price(0.15, 0.60));
        assertThat(PriceTable.lookup(ProviderType.OPENAI, "https://api.openai.com/v1", "gpt-4o")).isEqualTo(new Price(2.50, 10.00));
        assertThat(PriceTable.lookup(ProviderType.ANTHROPIC, "https://api.anthropic.com", "claude-sonnet-4-20250514"))
                .isEqualTo(new Price(3.00, 15.00));
        assertThat(PriceTable.lookup(ProviderType.BEDROCK, "https://bedrock-runtime.us-east-1.amazonaws.com",
                "us.anthropic.claude-3-5-haiku-20241022-v1:0")).isEqualTo(new Price(0.80, 4.00));
        assertThat(PriceTable.lookup(ProviderType.GEMINI, "https://generativelanguage.googleapis.com/v1beta", "gemini-2.5-flash-lite"))
                .as("the longest prefix wins").isEqualTo(new Price(0.10, 0.40));
    }

    @Test
    void localAndUnknownModelsAreFree() {
        assertThat(PriceTable.lookup(ProviderType.OLLAMA, "http://gpu-1:11434", "llama3.1:8b")).isEqualTo(Price.FREE);
        assertThat(PriceTable.lookup(ProviderType.OPENAI, "http://vllm:8000/v1", "gpt-4o")).as("self-hosted").isEqualTo(Price.FREE);
        assertThat(PriceTable.lookup(ProviderType.ANTHROPIC, "https://api.anthropic.com", "some-future-model")).isEqualTo(Price.FREE);
    }

    @Test
    void costsAreExactNanoDollars() {
        assertThat(Cost.nanos(1_000_000, 0, new Price(2.5, 10.0))).isEqualTo(2_500_000_000L);
        assertThat(Cost.nanos(12, 7, new Price(0.15, 0.6))).isEqualTo(12 * 150 + 7 * 600);
        assertThat(Cost.usd(1_800 + 4_200)).isEqualTo("0.000006000");
        assertThat(Cost.fromUsd(0.000006)).isEqualTo(6_000);
    }
}
