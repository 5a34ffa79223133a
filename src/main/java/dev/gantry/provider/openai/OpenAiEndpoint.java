package dev.gantry.provider.openai;

import dev.gantry.route.Deployment;
import io.vertx.core.MultiMap;

/**
 * Where an OpenAI-wire upstream lives and how it wants to be authenticated. The wire format is
 * the same for OpenAI, the compatible servers and Azure OpenAI; only URLs and the key header
 * differ, so those are the one thing a variant supplies.
 */
public interface OpenAiEndpoint {

    /** Plain OpenAI and compatible servers: {@code {base_url}/chat/completions}, {@code Authorization: Bearer}. */
    OpenAiEndpoint STANDARD = new StandardEndpoint();

    /** The full URL of {@code operation}: {@code "chat/completions"} or {@code "embeddings"}. */
    String url(Deployment deployment, String operation);

    /** Adds the credential header(s), if the deployment has a key. */
    void authorize(Deployment deployment, MultiMap headers);

    /** True when the upstream takes {@code max_completion_tokens} (OpenAI, Azure); false for the older {@code max_tokens}. */
    boolean takesMaxCompletionTokens(Deployment deployment);
}
