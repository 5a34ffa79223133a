package dev.gantry.provider.openai;

import dev.gantry.route.Deployment;
import io.vertx.core.MultiMap;

/** OpenAI itself and every compatible server: operations sit under the base URL, the key is a bearer token. */
final class StandardEndpoint implements OpenAiEndpoint {

    @Override
    public String url(Deployment deployment, String operation) {
        return deployment.baseUrl() + "/" + operation;
    }

    @Override
    public void authorize(Deployment deployment, MultiMap headers) {
        if (deployment.apiKey() != null && !deployment.apiKey().isEmpty()) {
            headers.add("authorization", "Bearer " + deployment.apiKey());
        }
    }

    @Override
    public boolean takesMaxCompletionTokens(Deployment deployment) {
        // api.openai.com's reasoning models accept only the new name; most compatible servers only the old.
        return deployment.baseUrl().startsWith("https://api.openai.com");
    }
}
