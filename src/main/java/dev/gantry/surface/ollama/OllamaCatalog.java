package dev.gantry.surface.ollama;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.gantry.route.ModelRegistry.ModelInfo;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/tags}, {@code /api/ps} and {@code /api/show} for every public model of Gantry,
 * whatever provider serves it, in the shapes Ollama uses (PROTOCOLS.md 3.1/3.6). What a gateway
 * cannot know (file size, quantisation, family) is left empty or zero rather than made up; the
 * digest is a stable hash of the public name.
 */
final class OllamaCatalog {

    private OllamaCatalog() {}

    static Buffer tags(List<ModelInfo> models) {
        return OllamaJson.object(g -> {
            g.writeArrayFieldStart("models");
            for (ModelInfo m : models) {
                g.writeStartObject();
                String name = OllamaNames.withTag(m.name());
                g.writeStringField("name", name);
                g.writeStringField("model", name);
                g.writeStringField("modified_at", modified(m));
                g.writeNumberField("size", 0);
                g.writeStringField("digest", digest(m.name()));
                details(g, m);
                capabilities(g, m);
                g.writeEndObject();
            }
            g.writeEndArray();
        }, false);
    }

    /** Gantry loads nothing itself, and what each node holds in memory is the node's business. */
    static Buffer ps() {
        return OllamaJson.object(g -> {
            g.writeArrayFieldStart("models");
            g.writeEndArray();
        }, false);
    }

    static Buffer show(ModelInfo m) {
        String name = OllamaNames.withTag(m.name());
        return OllamaJson.object(g -> {
            g.writeStringField("license", "");
            g.writeStringField("modelfile", "# Served through Gantry; the model file lives with the upstream.\nFROM " + name + "\n");
            g.writeStringField("parameters", "");
            g.writeStringField("template", "{{ .Prompt }}");
            details(g, m);
            g.writeObjectFieldStart("model_info");
            g.writeEndObject();
            capabilities(g, m);
            g.writeStringField("modified_at", modified(m));
        }, false);
    }

    private static void details(JsonGenerator g, ModelInfo m) throws IOException {
        g.writeObjectFieldStart("details");
        g.writeStringField("parent_model", "");
        g.writeStringField("format", "ollama".equals(m.ownedBy()) ? "gguf" : "");
        g.writeStringField("family", "");
        g.writeArrayFieldStart("families");
        g.writeEndArray();
        g.writeStringField("parameter_size", "");
        g.writeStringField("quantization_level", "");
        g.writeEndObject();
    }

    /** A guess from the name: Gantry does not know what a model can do until it is asked. */
    private static void capabilities(JsonGenerator g, ModelInfo m) throws IOException {
        g.writeArrayFieldStart("capabilities");
        if (m.name().toLowerCase(Locale.ROOT).contains("embed")) {
            g.writeString("embedding");
        } else {
            g.writeString("completion");
            g.writeString("tools");
        }
        g.writeEndArray();
    }

    private static String modified(ModelInfo m) {
        return OllamaJson.time(Instant.ofEpochSecond(m.createdEpochSeconds()));
    }

    /** 64 hex digits without the {@code sha256:} prefix, as {@code /api/tags} shows digests. */
    private static String digest(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
