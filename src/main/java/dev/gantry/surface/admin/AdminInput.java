package dev.gantry.surface.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Policy;
import dev.gantry.config.Durations;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.Json;
import dev.gantry.surface.http.Fields;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Strict reads of admin request bodies. Admin input becomes stored policy, so anything doubtful
 * is refused with a 400 naming the field rather than guessed at: unknown or duplicated fields,
 * wrong types, values out of range, over-long text, control characters. Every check runs before
 * anything is written, so a refused request stores nothing.
 */
final class AdminInput {

    static final int MAX_NAME = 256;
    static final int MAX_EMAIL = 320;
    static final int MAX_ID = 64;
    static final int MAX_MODELS = 1000;
    static final int MAX_MODEL_NAME = 256;
    static final int MAX_METADATA_BYTES = 16 * 1024;
    static final long MAX_RPM = 1_000_000_000L;
    static final long MAX_TPM = 1_000_000_000_000L;
    static final long MAX_PARALLEL = 1_000_000L;
    static final long MAX_BUDGET_DURATION_SECONDS = 3650L * 86_400;

    /** Field names of the policy every key, team and user carries. */
    static final Set<String> POLICY_FIELDS = Set.of("models", "rpm_limit", "tpm_limit", "max_parallel", "max_budget", "budget_duration");

    // Duplicate keys would make "which value won" a parser detail; exact decimals keep budgets exact.
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern DURATION = Pattern.compile("[1-9][0-9]{0,6}[smhd]");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_ID + "}");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private AdminInput() {}

    /** The body as a JSON object, holding only {@code allowed} fields. */
    static ObjectNode object(Buffer body, Set<String> allowed) {
        if (body == null || body.length() == 0) {
            throw GatewayError.badRequest("The request body is empty; send a JSON object.", null);
        }
        JsonNode node;
        try {
            node = READER.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw GatewayError.badRequest("The request body is not valid JSON" + where + ".", null);
        } catch (Exception e) {
            throw GatewayError.badRequest("The request body could not be read as JSON.", null);
        }
        if (node == null || !node.isObject()) {
            throw GatewayError.badRequest("The request body must be a JSON object.", null);
        }
        ObjectNode object = (ObjectNode) node;
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw GatewayError.badRequest("Unknown field '" + safe(name) + "'. Allowed fields: " + String.join(", ", new TreeSet<>(allowed))
                        + ".", plain(name) ? name : null);
            }
        }
        return object;
    }

    /** A client-chosen field name as it may appear in a message: plain names as they are, others replaced. */
    static String safe(String name) {
        return plain(name) ? name : "(a name with unusual characters)";
    }

    static boolean plain(String name) {
        return FIELD_NAME.matcher(name).matches();
    }

    /** A display name: 1-256 characters, no control characters. Null when absent or JSON null. */
    static String text(JsonNode body, String field, int max) {
        String s = Fields.optionalString(body, field, field);
        if (s == null) {
            return null;
        }
        if (s.isBlank()) {
            throw GatewayError.badRequest("'" + field + "' must not be empty.", field);
        }
        if (s.codePointCount(0, s.length()) > max) {
            throw GatewayError.badRequest("'" + field + "' is longer than " + max + " characters.", field);
        }
        if (hasControl(s)) {
            throw GatewayError.badRequest("'" + field + "' must not contain control characters.", field);
        }
        return s;
    }

    static String requiredText(JsonNode body, String field, int max) {
        String s = text(body, field, max);
        if (s == null) {
            throw GatewayError.badRequest("'" + field + "' is required and cannot be null.", field);
        }
        return s;
    }

    static String email(JsonNode body, String field) {
        String s = text(body, field, MAX_EMAIL);
        if (s != null && (s.indexOf('@') <= 0 || s.indexOf('@') == s.length() - 1 || s.chars().anyMatch(Character::isWhitespace))) {
            throw GatewayError.badRequest("'" + field + "' must be an email address like name@example.com.", field);
        }
        return s;
    }

    /** The id of another entity (team_id, user_id): the caller checks that it exists. */
    static String reference(JsonNode body, String field) {
        String s = Fields.optionalString(body, field, field);
        if (s != null && !ID.matcher(s).matches()) {
            throw GatewayError.badRequest("'" + field + "' is not a valid id (letters, digits, '_', '.', ':', '-'; at most " + MAX_ID
                    + " characters).", field);
        }
        return s;
    }

    /** A whole number in 0..max, or null. */
    static Long count(JsonNode body, String field, long max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && !n.canConvertToLong()) {
            throw outOfRange(field, "0", Long.toString(max));
        }
        Long v = Fields.optionalInteger(body, field, field, Long.MIN_VALUE, Long.MAX_VALUE);
        if (v < 0 || v > max) {
            throw outOfRange(field, "0", Long.toString(max));
        }
        return v;
    }

    /** A budget in USD (a JSON number, 0 to 1e9), as nano-dollars; null when absent or JSON null. */
    static Long usd(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw Fields.wrongType(field, "a number (USD)", n);
        }
        BigDecimal v = n.decimalValue();
        if (v.signum() < 0 || v.compareTo(Usd.MAX) > 0) {
            throw outOfRange(field, "0", "1000000000 (USD)");
        }
        return Usd.toNanos(v);
    }

    /** {@code 30s}, {@code 15m}, {@code 12h}, {@code 1d}, {@code 30d}: whole seconds up to ten years. */
    static Duration budgetDuration(JsonNode body, String field) {
        String s = Fields.optionalString(body, field, field);
        if (s == null) {
            return null;
        }
        if (!DURATION.matcher(s).matches()) {
            throw GatewayError.badRequest("'" + field + "' must be a whole number followed by s, m, h or d, like 30s, 15m, 12h, 1d or 30d.",
                    field);
        }
        Duration d = Durations.parse(s);
        if (d.toSeconds() > MAX_BUDGET_DURATION_SECONDS) {
            throw GatewayError.badRequest("'" + field + "' must be at most 3650d.", field);
        }
        return d;
    }

    /** A list of public model names (null = all models), duplicates dropped, order kept. */
    static List<String> models(JsonNode body, String field) {
        JsonNode n = Fields.optionalArray(body, field, field);
        if (n == null) {
            return null;
        }
        if (n.size() > MAX_MODELS) {
            throw GatewayError.badRequest("'" + field + "' may list at most " + MAX_MODELS + " models.", field);
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String path = field + "[" + i + "]";
            JsonNode m = n.get(i);
            if (!m.isTextual()) {
                throw Fields.wrongType(path, "a string", m);
            }
            String s = m.asText();
            if (s.isBlank() || s.length() > MAX_MODEL_NAME || hasControl(s)) {
                throw GatewayError.badRequest("'" + path + "' must be a model name of 1-" + MAX_MODEL_NAME
                        + " characters without control characters.", path);
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    /** Free-form metadata: a JSON object of at most 16 KiB, stored as compact JSON text. */
    static String metadata(JsonNode body, String field) {
        JsonNode n = Fields.optionalObject(body, field, field);
        if (n == null) {
            return null;
        }
        String json = n.toString();
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw GatewayError.badRequest("'" + field + "' is larger than 16 KiB.", field);
        }
        return json;
    }

    /** ISO-8601 text or epoch seconds, strictly in the future; null when absent or JSON null. */
    static Long expiresAt(JsonNode body, String field, long nowMillis) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        long millis;
        if (n.isTextual()) {
            Long parsed = Times.parse(n.asText(), false);
            if (parsed == null) {
                throw GatewayError.badRequest("'" + field + "' must be an ISO-8601 time like 2030-01-31T12:00:00Z, or epoch seconds.", field);
            }
            millis = parsed;
        } else if (n.isIntegralNumber()) {
            if (!n.canConvertToLong() || n.asLong() < 0 || n.asLong() > Times.MAX_MILLIS / 1000) {
                throw GatewayError.badRequest("'" + field + "' is not a plausible time in epoch seconds.", field);
            }
            millis = n.asLong() * 1000;
        } else {
            throw Fields.wrongType(field, "an ISO-8601 string or epoch seconds", n);
        }
        if (millis > Times.MAX_MILLIS) {
            throw GatewayError.badRequest("'" + field + "' is after the year 9999.", field);
        }
        if (millis <= nowMillis) {
            throw GatewayError.badRequest("'" + field + "' must be in the future; to disable a key now, revoke it.", field);
        }
        return millis;
    }

    /** {@code base} with every policy field present in {@code body} replaced (JSON null clears it). */
    static Policy policy(JsonNode body, Policy base) {
        return new Policy(
                body.has("models") ? models(body, "models") : base.models(),
                body.has("rpm_limit") ? count(body, "rpm_limit", MAX_RPM) : base.rpmLimit(),
                body.has("tpm_limit") ? count(body, "tpm_limit", MAX_TPM) : base.tpmLimit(),
                body.has("max_parallel") ? toInt(count(body, "max_parallel", MAX_PARALLEL)) : base.maxParallel(),
                body.has("max_budget") ? usd(body, "max_budget") : base.maxBudgetNanos(),
                body.has("budget_duration") ? budgetDuration(body, "budget_duration") : base.budgetDuration());
    }

    static void notEmpty(ObjectNode body) {
        if (body.isEmpty()) {
            throw GatewayError.badRequest("The body names no field to change.", null);
        }
    }

    private static Integer toInt(Long v) {
        return v == null ? null : Math.toIntExact(v);
    }

    private static GatewayError outOfRange(String field, String min, String max) {
        return GatewayError.badRequest("'" + field + "' must be between " + min + " and " + max + ".", field);
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029');
    }
}
