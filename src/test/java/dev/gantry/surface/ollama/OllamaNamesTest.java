package dev.gantry.surface.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.route.ModelRegistry.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaNamesTest {

    private static final List<ModelInfo> MODELS = List.of(
            new ModelInfo("gpt-4o", "gantry", 0),
            new ModelInfo("llama3.2:latest", "ollama", 0),
            new ModelInfo("qwen3:0.6b", "ollama", 0),
            new ModelInfo("registry.local:5000/team/model", "ollama", 0));

    @Test
    void aMissingTagMeansLatestAndAPortIsNotATag() {
        assertThat(OllamaNames.withTag("gpt-4o")).isEqualTo("gpt-4o:latest");
        assertThat(OllamaNames.withTag("qwen3:0.6b")).isEqualTo("qwen3:0.6b");
        assertThat(OllamaNames.withTag("registry.local:5000/team/model")).isEqualTo("registry.local:5000/team/model:latest");
    }

    @Test
    void bothSpellingsReachTheSamePublicName() {
        assertThat(OllamaNames.resolve("gpt-4o", MODELS)).isEqualTo("gpt-4o");
        assertThat(OllamaNames.resolve("gpt-4o:latest", MODELS)).isEqualTo("gpt-4o");
        assertThat(OllamaNames.resolve("llama3.2", MODELS)).isEqualTo("llama3.2:latest");
        assertThat(OllamaNames.resolve("llama3.2:latest", MODELS)).isEqualTo("llama3.2:latest");
        assertThat(OllamaNames.resolve("registry.local:5000/team/model:latest", MODELS)).isEqualTo("registry.local:5000/team/model");
    }

    @Test
    void anotherTagIsAnotherModel() {
        assertThat(OllamaNames.resolve("qwen3", MODELS)).isNull();
        assertThat(OllamaNames.resolve("qwen3:4b", MODELS)).isNull();
        assertThat(OllamaNames.resolve("gpt-4o:mini", MODELS)).isNull();
        assertThat(OllamaNames.resolve("nope", MODELS)).isNull();
    }

    @Test
    void imageTypesAreSniffedFromTheirFirstBytes() {
        assertThat(OllamaImages.sniff("iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB")).isEqualTo("image/png");
        assertThat(OllamaImages.sniff("/9j/4AAQSkZJRgABAQAAAQABAAD")).isEqualTo("image/jpeg");
        assertThat(OllamaImages.sniff("R0lGODlhAQABAIAAAP")).isEqualTo("image/gif");
        assertThat(OllamaImages.sniff("UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA")).isEqualTo("image/webp");
        assertThat(OllamaImages.sniff("AAAAAAAAAAAA")).isNull();
        assertThat(OllamaImages.sniff("not base64 at all!")).isNull();
    }
}
