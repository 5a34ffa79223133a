package dev.gantry.surface.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Policy;
import dev.gantry.auth.Team;
import dev.gantry.auth.User;
import dev.gantry.auth.VirtualKey;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * Admin entities as JSON. Never the secret or its hash. Output escapes {@code < > & '} as
 * {@code \u003c}-style sequences: the parsed value is unchanged, but a name like
 * {@code <script>} can never appear as markup if a browser or admin page shows the raw body.
 */
final class AdminJson {

    private static final ObjectWriter WRITER = Json.MAPPER.writer()
            .with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .with(new HtmlSafeEscapes());

    private AdminJson() {}

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static Buffer write(JsonNode node) {
        try {
            return Buffer.buffer(WRITER.writeValueAsBytes(node));
        } catch (Exception e) {
            throw new IllegalStateException("cannot render admin JSON", e);
        }
    }

    static ObjectNode key(VirtualKey k) {
        ObjectNode o = object();
        o.put("id", k.id());
        o.put("key_prefix", k.prefix());
        o.put("name", k.name());
        o.put("team_id", k.teamId());
        o.put("user_id", k.userId());
        policy(o, k.policy());
        if (k.expiresAt() == null) {
            o.putNull("expires_at");
        } else {
            o.put("expires_at", Times.format(k.expiresAt()));
        }
        o.set("metadata", metadata(k.metadataJson()));
        o.put("revoked", k.revoked());
        o.put("created_at", Times.format(k.createdAt()));
        o.put("updated_at", Times.format(k.updatedAt()));
        return o;
    }

    static ObjectNode team(Team t) {
        ObjectNode o = object();
        o.put("id", t.id());
        o.put("name", t.name());
        policy(o, t.policy());
        o.set("metadata", metadata(t.metadataJson()));
        o.put("deleted", t.deleted());
        o.put("created_at", Times.format(t.createdAt()));
        o.put("updated_at", Times.format(t.updatedAt()));
        return o;
    }

    static ObjectNode user(User u) {
        ObjectNode o = object();
        o.put("id", u.id());
        o.put("name", u.name());
        o.put("email", u.email());
        o.put("team_id", u.teamId());
        policy(o, u.policy());
        o.set("metadata", metadata(u.metadataJson()));
        o.put("deleted", u.deleted());
        o.put("created_at", Times.format(u.createdAt()));
        o.put("updated_at", Times.format(u.updatedAt()));
        return o;
    }

    static ObjectNode list(Iterable<? extends JsonNode> items) {
        ObjectNode o = object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        items.forEach(data::add);
        return o;
    }

    private static void policy(ObjectNode o, Policy p) {
        if (p.models() == null) {
            o.putNull("models");
        } else {
            ArrayNode models = o.putArray("models");
            p.models().forEach(models::add);
        }
        o.put("rpm_limit", p.rpmLimit());
        o.put("tpm_limit", p.tpmLimit());
        o.put("max_parallel", p.maxParallel());
        if (p.maxBudgetNanos() == null) {
            o.putNull("max_budget");
        } else {
            o.put("max_budget", Usd.of(p.maxBudgetNanos()));
        }
        o.put("budget_duration", duration(p.budgetDuration()));
    }

    /** Whole seconds in the largest unit that divides them: 2592000 s is {@code 30d}. */
    static String duration(Duration d) {
        if (d == null) {
            return null;
        }
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static JsonNode metadata(String json) {
        if (json == null) {
            return Json.MAPPER.nullNode();
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("stored metadata is not valid JSON", e);
        }
    }

    /** Escapes the characters that matter to HTML and script contexts, besides JSON's own. */
    private static final class HtmlSafeEscapes extends CharacterEscapes {

        private final int[] escapes;

        HtmlSafeEscapes() {
            escapes = standardAsciiEscapesForJSON();
            for (char c : new char[] {'<', '>', '&', '\''}) {
                escapes[c] = ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
