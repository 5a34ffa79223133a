package dev.gantry.model;

import java.util.List;

/** Vectors in input order, plus the prompt tokens the upstream counted. */
public record EmbeddingResponse(List<float[]> vectors, long promptTokens) {

    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }
}
