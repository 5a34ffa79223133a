package dev.gantry.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gantry.integration.matrix.ProviderKind;
import dev.gantry.integration.matrix.Upstreams;
import dev.gantry.testing.RunningGantry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@code clients/node/matrix-client-test.mjs} with each official npm client ({@code openai},
 * {@code @anthropic-ai/sdk}, {@code ollama}) against one Gantry that has a model per provider kind,
 * each backed by its fake. Needs Node.js and {@code npm ci --prefix clients/node}; fails, never
 * skips, without them.
 */
class NodeClientMatrixTest {

    private static final long TIMEOUT_SECONDS = 90;

    private static Upstreams upstreams;
    private static RunningGantry gantry;

    @BeforeAll
    static void start() throws Exception {
        upstreams = Upstreams.start();
        gantry = RunningGantry.start(upstreams.config(), "http://127.0.0.1:1");
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (upstreams != null) {
            upstreams.close();
        }
    }

    /** What the script needs to know of each provider model: the fake's greeting and token counts. */
    private static String matrix() {
        ArrayNode list = new ObjectMapper().createArrayNode();
        for (ProviderKind k : ProviderKind.values()) {
            list.addObject().put("provider", k.id()).put("model", k.publicModel()).put("greeting", k.greeting())
                    .put("promptTokens", k.promptTokens()).put("cacheReadTokens", k.cacheReadTokens())
                    .put("outputTokens", k.outputTokens(false)).put("toolTokens", k.outputTokens(true))
                    .put("embeddings", k.embeddings());
        }
        return list.toString();
    }

    @ParameterizedTest(name = "npm {1} against every provider kind")
    @CsvSource({"openai, openai", "anthropic, @anthropic-ai/sdk", "ollama, ollama"})
    void anOfficialNpmClientWorksAgainstEveryProviderKind(String client, String npmPackage) throws Exception {
        upstreams.reset();
        String log = NodeScript.run("matrix-client-test.mjs", npmPackage,
                Map.of("GANTRY_URL", gantry.baseUrl(), "GANTRY_KEY", RunningGantry.MASTER_KEY, "GANTRY_MATRIX", matrix()), TIMEOUT_SECONDS, client);
        assertThat(log).as("output").doesNotContain("FAIL");
        for (ProviderKind k : ProviderKind.values()) {
            assertThat(log).as("a tally for %s", k).containsPattern("tally " + client + " " + k.id() + " (\\d+)/\\1\\b");
            assertThat(upstreams.chats(k)).as("chats that reached %s", k).isNotEmpty();
            if (client.equals("ollama") && k.embeddings() && k != ProviderKind.AZURE) { // FakeAzure keeps only its last request
                assertThat(upstreams.embeddingCount(k)).as("embedding requests that reached %s", k).isPositive();
            }
        }
    }

}
