package dev.gantry.clients;

import dev.gantry.fake.FakeOllama;
import dev.gantry.testing.RunningGantry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code clients/node/openai-client-test.mjs} (the official {@code openai} npm SDK) against a
 * real Gantry in front of a fake Ollama. Needs Node.js and {@code npm ci --prefix clients/node}.
 */
class NodeOpenAiClientTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String EMBED_MODEL = "nomic-embed-text:latest";
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void officialNodeSdkWorksAgainstGantry() throws Exception {
        try (FakeOllama ollama = FakeOllama.start()) {
            ollama.setModels(MODEL, EMBED_MODEL);
            try (RunningGantry gantry = RunningGantry.start("", ollama.baseUrl())) {
                NodeScript.run("openai-client-test.mjs", "openai",
                        Map.of("GANTRY_BASE_URL", gantry.baseUrl() + "/v1", "GANTRY_KEY", RunningGantry.MASTER_KEY,
                        "GANTRY_MODEL", MODEL, "GANTRY_EMBED_MODEL", EMBED_MODEL), TIMEOUT_SECONDS);
            }
        }
    }
}
