package dev.gantry.model;

import java.util.List;

/** A canonical embeddings request: one vector is wanted per input text. */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
    }
}
