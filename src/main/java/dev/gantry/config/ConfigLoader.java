package dev.gantry.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code gantry.yaml}: substitutes {@code ${VAR}} (and {@code ${VAR:-default}}) from the
 * environment, then binds it strictly. Unknown keys, wrong types and impossible values all fail
 * with the file name and line, so a typo never silently changes behaviour.
 */
public final class ConfigLoader {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public GantryConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public GantryConfig parse(String yaml, String source) {
        String substituted = substitute(yaml, source);
        if (substituted.isBlank() || hasNoContent(substituted)) {
            return GantryConfig.empty();
        }
        try {
            GantryConfig config = MAPPER.readValue(substituted, GantryConfig.class);
            return config == null ? GantryConfig.empty() : config;
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(where(source, locate(substituted, e)) + "unknown key '" + e.getPropertyName()
                    + "' (known here: " + e.getKnownPropertyIds() + ")");
        } catch (ValueInstantiationException e) {
            throw new ConfigException(where(source, locate(substituted, e)) + rootMessage(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(where(source, e.getLocation()) + rootMessage(e));
        }
    }

    /** True for a document of only comments (or a bare document marker), which binds to nothing. */
    private static boolean hasNoContent(String yaml) {
        try (JsonParser p = MAPPER.createParser(yaml)) {
            return p.nextToken() == null;
        } catch (IOException e) {
            return false; // let the real parse report it
        }
    }

    /**
     * Records are built through their constructor, so Jackson buffers unknown keys and reports
     * them (and constructor failures) only after the whole object was read, at a location past its
     * end. Walking the exception's path through the document finds the line of the key itself.
     */
    private static JsonLocation locate(String yaml, JsonMappingException e) {
        JsonLocation found = null;
        try (JsonParser p = MAPPER.createParser(yaml)) {
            if (p.nextToken() == null) {
                return e.getLocation();
            }
            for (JsonMappingException.Reference ref : e.getPath()) {
                if (ref.getFieldName() != null) {
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        return e.getLocation();
                    }
                    found = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        if (ref.getFieldName().equals(p.currentName())) {
                            found = p.currentTokenLocation();
                            p.nextToken();
                            break;
                        }
                        p.nextToken();
                        p.skipChildren();
                    }
                } else if (ref.getIndex() >= 0) {
                    if (p.currentToken() != JsonToken.START_ARRAY) {
                        return e.getLocation();
                    }
                    found = null;
                    for (int i = 0; p.nextToken() != null && p.currentToken() != JsonToken.END_ARRAY; i++) {
                        if (i == ref.getIndex()) {
                            found = p.currentTokenLocation();
                            break;
                        }
                        p.skipChildren();
                    }
                }
                if (found == null) {
                    return e.getLocation();
                }
            }
        } catch (IOException ignored) {
            // fall back to what Jackson reported
        }
        return found == null ? e.getLocation() : found;
    }

    private String substitute(String yaml, String source) {
        String[] lines = yaml.split("\n", -1);
        StringBuilder out = new StringBuilder(yaml.length());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.stripLeading().startsWith("#")) {
                out.append(line); // a commented-out line may name a variable that is not set
                if (i < lines.length - 1) {
                    out.append('\n');
                }
                continue;
            }
            Matcher m = VARIABLE.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.get(m.group(1));
                if (value == null) {
                    value = m.group(2);
                }
                if (value == null) {
                    throw new ConfigException(source + " line " + (i + 1) + ": environment variable " + m.group(1)
                            + " is not set (write ${" + m.group(1) + ":-default} to allow that)");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            out.append(sb);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String where(String source, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return source + ": ";
        }
        return source + " line " + location.getLineNr() + ": ";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : t.getMessage();
        return msg == null ? t.getClass().getSimpleName() : msg;
    }

    private static final ObjectMapper MAPPER = createMapper();

    private static ObjectMapper createMapper() {
        SimpleModule units = new SimpleModule();
        units.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                try {
                    return Durations.parse(p.getValueAsString(p.getText()));
                } catch (IllegalArgumentException e) {
                    throw ctx.weirdStringException(p.getText(), Duration.class, e.getMessage());
                }
            }
        });
        units.addDeserializer(Long.class, new JsonDeserializer<>() {
            @Override
            public Long deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                try {
                    return ByteSizes.parse(p.getText());
                } catch (IllegalArgumentException e) {
                    throw ctx.weirdStringException(p.getText(), Long.class, e.getMessage());
                }
            }
        });
        return new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .registerModule(units)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }
}
