package dev.gantry.clients;

import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code clients/node/anthropic-client-test.mjs} (the official {@code @anthropic-ai/sdk} npm SDK) against a
 * real Gantry in front of a fake Ollama. Needs Node.js and {@code npm ci --prefix clients/node}.
 */
class NodeAnthropicClientTest {

    private static final String MODEL = "llama3.2:1b";
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void officialAnthropicNodeSdkWorksAgainstGantry() throws Exception {
        try (FakeOllama ollama = FakeOllama.start()) {
            ollama.setModels(MODEL);
            try (RunningGantry gantry = RunningGantry.start("", ollama.baseUrl())) {
                NodeScript.run("anthropic-client-test.mjs", "@anthropic-ai/sdk",
                        Map.of("GANTRY_BASE_URL", gantry.baseUrl(), "GANTRY_KEY", RunningGantry.MASTER_KEY, "GANTRY_MODEL", MODEL), TIMEOUT_SECONDS);
            }
        }
    }
}
