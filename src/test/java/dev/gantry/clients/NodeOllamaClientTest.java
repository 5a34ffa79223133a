package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.testing.RunningGantry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code clients/node/ollama-client-test.mjs} (the official {@code ollama} npm package) against
 * a real Gantry that has one fake Ollama node and one fake OpenAI-compatible server behind it.
 * Needs Node.js and {@code npm ci --prefix clients/node}.
 */
class NodeOllamaClientTest {

    private static final String MODEL = "llama3.2:1b";
    private static final String EMBED_MODEL = "nomic-embed-text:latest";
    private static final String BROKEN_MODEL = "broken:1b";
    private static final String OPENAI_MODEL = "gpt-4o-mini";
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void officialOllamaNpmPackageWorksAgainstGantry() throws Exception {
        try (FakeOllama ollama = FakeOllama.start(MODEL, EMBED_MODEL, BROKEN_MODEL);
             FakeOpenAi openai = FakeOpenAi.start(OPENAI_MODEL)) {
            ollama.behaviour(BROKEN_MODEL).inBandErrorAfterChunks(2, "boom: the node ran out of memory");
            String config = """
                    limits: { drain_timeout: 1s }
                    models:
                      - name: %s
                        deployments:
                          - provider: openai
                            base_url: %s
                            model: %s
                            api_key: sk-fake-upstream-key-for-tests
                    """.formatted(OPENAI_MODEL, openai.baseUrl(), OPENAI_MODEL);
            try (RunningGantry gantry = RunningGantry.start(config, ollama.baseUrl())) {
                String log = NodeScript.run("ollama-client-test.mjs", "ollama",
                        Map.of("GANTRY_URL", gantry.baseUrl(), "GANTRY_KEY", RunningGantry.MASTER_KEY,
                        "GANTRY_MODEL", MODEL, "GANTRY_OPENAI_MODEL", OPENAI_MODEL, "GANTRY_EMBED_MODEL", EMBED_MODEL,
                        "GANTRY_BROKEN_MODEL", BROKEN_MODEL), TIMEOUT_SECONDS);
                assertThat(log).as("output").doesNotContain("skipped");
                assertThat(ollama.chatRequests()).as("chats relayed to the Ollama node").isNotEmpty();
                assertThat(openai.chatRequests()).as("chats translated for the OpenAI server").isNotEmpty();
            }
        }
    }

}
