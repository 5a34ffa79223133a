package dev.gantry.integration.matrix;

import dev.gantry.fake.FakeAnthropic;
import dev.gantry.fake.FakeAzure;
import dev.gantry.fake.FakeBedrock;
import dev.gantry.fake.FakeGemini;
import dev.gantry.fake.FakeOllama;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.fake.Recorded;
import java.util.List;

/**
 * One fake per provider kind, each requiring the credential the config gives it, and the Gantry
 * config that exposes one public model per kind ({@code m-ollama} ... {@code m-bedrock}).
 * Started once and shared by every cell of the matrix.
 */
public final class Upstreams implements AutoCloseable {

    static final String OPENAI_KEY = "sk-matrix-openai";
    static final String AZURE_KEY = "matrix-azure-key";
    static final String ANTHROPIC_KEY = "sk-ant-matrix";
    static final String GEMINI_KEY = "matrix-gemini-key";
    static final String AWS_REGION = "us-east-1";
    static final String AWS_KEY_ID = "AKIDMATRIX";
    static final String AWS_SECRET = "matrix-secret";

    private FakeOllama ollama;
    private FakeOpenAi openai;
    private FakeAzure azure;
    private FakeAnthropic anthropic;
    private FakeGemini gemini;
    private FakeBedrock bedrock;

    private Upstreams() {}

    public static Upstreams start() throws Exception {
        Upstreams u = new Upstreams();
        try {
            u.ollama = FakeOllama.start(ProviderKind.OLLAMA.upstreamModel());
            u.openai = FakeOpenAi.start(ProviderKind.OPENAI.upstreamModel());
            u.openai.requireApiKey(OPENAI_KEY);
            u.azure = FakeAzure.start(AZURE_KEY, ProviderKind.AZURE.upstreamModel());
            u.anthropic = FakeAnthropic.start(ProviderKind.ANTHROPIC.upstreamModel());
            u.anthropic.requireApiKey(ANTHROPIC_KEY);
            u.gemini = FakeGemini.start(ProviderKind.GEMINI.upstreamModel());
            u.gemini.requireApiKey(GEMINI_KEY);
            u.bedrock = FakeBedrock.start(AWS_REGION, AWS_KEY_ID, AWS_SECRET, null, ProviderKind.BEDROCK.upstreamModel());
        } catch (Exception e) {
            u.close();
            throw e;
        }
        return u;
    }

    /** The Gantry config: discovery off, one model per provider kind. */
    public String config() {
        return """
                discovery: { enabled: false }
                limits: { drain_timeout: 1s }
                models:
                  - name: m-ollama
                    deployments:
                      - { provider: ollama, base_url: "%s", model: "%s" }
                  - name: m-openai
                    deployments:
                      - { provider: openai, base_url: "%s", model: "%s", api_key: "%s" }
                  - name: m-azure
                    deployments:
                      - { provider: azure, base_url: "%s", model: "%s", api_key: "%s" }
                  - name: m-anthropic
                    deployments:
                      - { provider: anthropic, base_url: "%s", model: "%s", api_key: "%s" }
                  - name: m-gemini
                    deployments:
                      - { provider: gemini, base_url: "%s", model: "%s", api_key: "%s" }
                  - name: m-bedrock
                    deployments:
                      - { provider: bedrock, base_url: "%s", model: "%s", region: %s, aws_access_key_id: %s, aws_secret_access_key: %s }
                """.formatted(
                ollama.baseUrl(), ProviderKind.OLLAMA.upstreamModel(),
                openai.baseUrl(), ProviderKind.OPENAI.upstreamModel(), OPENAI_KEY,
                azure.baseUrl(), ProviderKind.AZURE.upstreamModel(), AZURE_KEY,
                anthropic.baseUrl(), ProviderKind.ANTHROPIC.upstreamModel(), ANTHROPIC_KEY,
                gemini.baseUrl(), ProviderKind.GEMINI.upstreamModel(), GEMINI_KEY,
                bedrock.baseUrl(), ProviderKind.BEDROCK.upstreamModel(), AWS_REGION, AWS_KEY_ID, AWS_SECRET);
    }

    /** Forgets every recorded request (run before each cell). */
    public void reset() {
        ollama.reset();
        openai.reset();
        azure.reset();
        anthropic.reset();
        gemini.reset();
        bedrock.reset();
    }

    /**
     * The chat requests {@code kind}'s fake received since the last reset. FakeAzure records
     * only its last request, so for Azure this is that one (or none).
     */
    public List<Recorded> chats(ProviderKind kind) {
        return switch (kind) {
            case OLLAMA -> ollama.chatRequests();
            case OPENAI -> openai.chatRequests();
            case AZURE -> azure.last() == null ? List.of() : List.of(azure.last());
            case ANTHROPIC -> anthropic.messageRequests();
            case GEMINI -> gemini.chatRequests();
            case BEDROCK -> bedrock.requests();
        };
    }

    /** Path and query of Azure's last request (the deployment and api-version live there). */
    public String azureUri() {
        return azure.lastUri();
    }

    /** Requests Bedrock refused for a bad signature since the last reset. */
    public List<String> bedrockSignatureProblems() {
        return bedrock.signatureProblems();
    }

    /** Embedding requests the fake of {@code kind} received since the last reset (not known for Azure, whose fake keeps only its last request). */
    public int embeddingCount(ProviderKind kind) {
        return switch (kind) {
            case OLLAMA -> ollama.embedRequests().size();
            case OPENAI -> openai.embeddingRequests().size();
            case GEMINI -> gemini.embeddingRequests().size();
            case AZURE -> throw new UnsupportedOperationException("FakeAzure records only its last request");
            case ANTHROPIC, BEDROCK -> 0;
        };
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {ollama, openai, azure, anthropic, gemini, bedrock}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}
