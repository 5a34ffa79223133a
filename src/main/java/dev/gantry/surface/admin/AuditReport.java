package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.store.AuditLog;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** {@code GET /admin/audit?limit=&before=}: the audit log, newest first, paged by entry id. */
final class AuditReport {

    private static final Set<String> PARAMS = Set.of("limit", "before");

    private final AdminContext ctx;

    AuditReport(AdminContext ctx) {
        this.ctx = ctx;
    }

    AdminReply get(AdminRequest r) throws SQLException {
        QueryParams.only(r.query(), PARAMS);
        int limit = (int) QueryParams.number(r.query(), "limit", 1, 1000, 100);
        long before = QueryParams.number(r.query(), "before", 1, Long.MAX_VALUE, -1);
        List<AuditLog.Entry> entries = ctx.stores().audit().recent(limit, before < 0 ? null : before);
        ObjectNode out = AdminJson.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (AuditLog.Entry e : entries) {
            ObjectNode o = data.addObject();
            o.put("id", e.id());
            o.put("ts", Times.format(e.timestampMillis()));
            o.put("actor", e.actor());
            o.put("action", e.action());
            o.put("entity_type", e.entityType());
            o.put("entity_id", e.entityId());
            o.put("detail", e.detail());
        }
        // Pass as ?before= to read the next (older) page; null when this page was the last.
        if (entries.size() == limit) {
            out.put("next_before", entries.get(entries.size() - 1).id());
        } else {
            out.putNull("next_before");
        }
        return AdminReply.ok(out);
    }
}
