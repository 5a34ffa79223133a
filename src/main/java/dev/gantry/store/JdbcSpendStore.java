package dev.gantry.store;

import dev.gantry.account.SpendEvent;
import dev.gantry.account.SpendStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Spend events in the database: idempotent batch inserts (an id already stored is skipped, so
 * replays after a crash or outage never count twice) and the sums the admin API and budgets need.
 */
public final class JdbcSpendStore implements SpendStore {

    /** What {@code group_by} may name, mapped to its column. */
    public enum GroupBy {
        KEY("key_id"), TEAM("team_id"), USER("user_id"), MODEL("model");

        final String column;

        GroupBy(String column) {
            this.column = column;
        }
    }

    public record Total(String group, long costNanos, long inputTokens, long outputTokens, long requests) {}

    private final Database db;

    public JdbcSpendStore(Database db) {
        this.db = db;
    }

    @Override
    public void insertBatch(List<SpendEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        String conflict = db.dialect() == Database.Dialect.POSTGRESQL ? " ON CONFLICT (id) DO NOTHING" : " ON CONFLICT DO NOTHING";
        String sql = "INSERT INTO spend_events (id, ts, request_id, key_id, team_id, user_id, model, deployment, input_tokens, "
                + "output_tokens, estimated, cost_nanos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + conflict;
        try (Connection c = db.connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (SpendEvent e : events) {
                    Sql.bind(ps, e.id(), e.timestampMillis(), e.requestId(), e.keyId(), e.teamId(), e.userId(), e.model(), e.deployment(),
                            e.inputTokens(), e.outputTokens(), e.estimated(), e.costNanos());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** Totals per group between {@code fromMillis} (inclusive) and {@code toMillis} (exclusive). */
    public List<Total> totals(GroupBy groupBy, long fromMillis, long toMillis) throws SQLException {
        String sql = "SELECT " + groupBy.column + " AS g, SUM(cost_nanos) AS cost, SUM(input_tokens) AS input, "
                + "SUM(output_tokens) AS output, COUNT(*) AS n FROM spend_events WHERE ts >= ? AND ts < ? GROUP BY "
                + groupBy.column + " ORDER BY cost DESC";
        List<Total> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, fromMillis, toMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Total(rs.getString("g"), rs.getLong("cost"), rs.getLong("input"), rs.getLong("output"), rs.getLong("n")));
                }
            }
        }
        return out;
    }

    /** What one key, team or user spent since {@code fromMillis}, in nano-dollars. */
    public long spentSince(GroupBy scope, String id, long fromMillis) throws SQLException {
        String sql = "SELECT COALESCE(SUM(cost_nanos), 0) FROM spend_events WHERE " + scope.column + " = ? AND ts >= ?";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, id, fromMillis);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every event's cost summed (tests and reconciliation). */
    public long totalNanos() throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0), COUNT(*) FROM spend_events");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
