package dev.gantry.integration.matrix;

import java.util.function.Function;

/** The three inbound APIs of the matrix. */
public enum Surface {
    OPENAI(OpenAiSurface::new),
    ANTHROPIC(AnthropicSurface::new),
    OLLAMA(OllamaSurface::new);

    private final Function<String, SurfaceClient> factory;

    Surface(Function<String, SurfaceClient> factory) {
        this.factory = factory;
    }

    /** A client for this surface of the Gantry at {@code baseUrl} (no trailing slash, no /v1). */
    public SurfaceClient client(String baseUrl) {
        return factory.apply(baseUrl);
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
