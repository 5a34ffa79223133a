package dev.gantry.store;

import dev.gantry.provider.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Who changed what and when. Entries are written in the transaction of the change they describe. */
public final class AuditLog {

    public record Entry(long id, long timestampMillis, String actor, String action, String entityType, String entityId, String detail) {}

    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    void append(Connection c, String actor, String action, String entityType, String entityId, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_log (ts, actor, action, entity_type, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            Sql.bind(ps, System.currentTimeMillis(), actor, action, entityType, entityId, detail);
            ps.executeUpdate();
        }
    }

    /** The newest entries first, at most {@code limit}, optionally only those before id {@code beforeId}. */
    public List<Entry> recent(int limit, Long beforeId) throws SQLException {
        String sql = "SELECT * FROM audit_log" + (beforeId == null ? "" : " WHERE id < ?") + " ORDER BY id DESC LIMIT ?";
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (beforeId == null) {
                Sql.bind(ps, limit);
            } else {
                Sql.bind(ps, beforeId, limit);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong("id"), rs.getLong("ts"), rs.getString("actor"), rs.getString("action"),
                            rs.getString("entity_type"), rs.getString("entity_id"), rs.getString("detail")));
                }
            }
        }
        return out;
    }

    static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            return String.valueOf(value);
        }
    }
}
