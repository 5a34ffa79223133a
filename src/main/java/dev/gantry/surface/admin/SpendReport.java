package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.GatewayError;
import dev.gantry.store.JdbcSpendStore;
import dev.gantry.store.JdbcSpendStore.GroupBy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** {@code GET /admin/spend?group_by=key|team|user|model&from=&to=}: spend totals per group over a time range (default: the last 30 days). */
final class SpendReport {

    private static final Set<String> PARAMS = Set.of("group_by", "from", "to");
    private static final long DEFAULT_RANGE = Duration.ofDays(30).toMillis();

    private final AdminContext ctx;

    SpendReport(AdminContext ctx) {
        this.ctx = ctx;
    }

    AdminReply get(AdminRequest r) throws SQLException {
        QueryParams.only(r.query(), PARAMS);
        String groupText = QueryParams.one(r.query(), "group_by");
        GroupBy groupBy = groupBy(groupText == null ? "key" : groupText);
        long now = System.currentTimeMillis();
        long to = instant(r, "to", true, now);
        long from = instant(r, "from", false, to - DEFAULT_RANGE);
        if (from >= to) {
            throw GatewayError.badRequest("'from' must be before 'to'.", "from");
        }
        ObjectNode out = AdminJson.object();
        out.put("group_by", groupBy.name().toLowerCase(Locale.ROOT));
        out.put("from", Times.format(from));
        out.put("to", Times.format(to));
        ArrayNode data = out.putArray("data");
        for (JdbcSpendStore.Total t : ctx.spend().totals(groupBy, from, to)) {
            ObjectNode row = data.addObject();
            row.put("id", t.group());
            row.put("spend", Usd.of(t.costNanos()));
            row.put("input_tokens", t.inputTokens());
            row.put("output_tokens", t.outputTokens());
            row.put("requests", t.requests());
        }
        return AdminReply.ok(out);
    }

    private static GroupBy groupBy(String text) {
        for (GroupBy g : GroupBy.values()) {
            if (g.name().toLowerCase(Locale.ROOT).equals(text)) {
                return g;
            }
        }
        throw GatewayError.badRequest("'group_by' must be one of key, team, user, model.", "group_by");
    }

    private static long instant(AdminRequest r, String name, boolean endOfDay, long fallback) {
        String v = QueryParams.one(r.query(), name);
        if (v == null) {
            return fallback;
        }
        Long millis = Times.parse(v, endOfDay);
        if (millis == null) {
            throw GatewayError.badRequest("'" + name + "' must be an ISO-8601 instant (2025-01-31T12:00:00Z) or date (2025-01-31).", name);
        }
        return millis;
    }
}
