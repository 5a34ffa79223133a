package dev.gantry.store;

import dev.gantry.auth.Policy;
import dev.gantry.auth.Team;
import dev.gantry.auth.User;
import dev.gantry.auth.VirtualKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keys, teams and users in the database. Every write takes the next global revision and writes
 * its audit entry in the same transaction, so an instance that saw revision N has seen every
 * change up to N, and no change exists without its audit line. Blocking.
 */
public final class PrincipalStore {

    /** Everything changed after a revision, for refreshing an in-memory copy. */
    public record Changes(List<VirtualKey> keys, List<Team> teams, List<User> users, long revision) {}

    /** An optimistic-lock failure: the row changed since it was read. */
    public static final class ConflictException extends Exception {
        public ConflictException(String message) {
            super(message);
        }
    }

    private static final String POLICY_COLUMNS = "models, rpm_limit, tpm_limit, max_parallel, max_budget_nanos, budget_duration_seconds";

    private final Database db;
    private final AuditLog audit;

    public PrincipalStore(Database db, AuditLog audit) {
        this.db = db;
        this.audit = audit;
    }

    // ------------------------------------------------------------------ keys

    public VirtualKey insertKey(VirtualKey k, String actor) throws SQLException {
        return inTransaction(c -> {
            long rev = nextRevision(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (id, key_hash, key_prefix, name, team_id, user_id, "
                    + POLICY_COLUMNS + ", expires_at, metadata, revoked, created_at, updated_at, revision) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[] p = policy(k.policy());
                Sql.bind(ps, k.id(), k.hash(), k.prefix(), k.name(), k.teamId(), k.userId(), p[0], p[1], p[2], p[3], p[4], p[5],
                        k.expiresAt(), k.metadataJson(), k.revoked(), k.createdAt(), k.updatedAt(), rev);
                ps.executeUpdate();
            }
            audit.append(c, actor, "create", "key", k.id(), describe(k));
            return withRevision(k, rev);
        });
    }

    /** Replaces a key's editable fields; fails with a conflict when it changed since {@code expectedRevision}. */
    public VirtualKey updateKey(VirtualKey k, long expectedRevision, String actor, String action) throws SQLException, ConflictException {
        VirtualKey updated = inTransaction(c -> {
            long rev = nextRevision(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET name = ?, team_id = ?, user_id = ?, models = ?, rpm_limit = ?, "
                    + "tpm_limit = ?, max_parallel = ?, max_budget_nanos = ?, budget_duration_seconds = ?, expires_at = ?, metadata = ?, "
                    + "revoked = ?, updated_at = ?, revision = ? WHERE id = ? AND revision = ?")) {
                Object[] p = policy(k.policy());
                Sql.bind(ps, k.name(), k.teamId(), k.userId(), p[0], p[1], p[2], p[3], p[4], p[5], k.expiresAt(), k.metadataJson(),
                        k.revoked(), k.updatedAt(), rev, k.id(), expectedRevision);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return null;
                }
            }
            audit.append(c, actor, action, "key", k.id(), describe(k));
            return withRevision(k, rev);
        });
        if (updated == null) {
            throw new ConflictException("The key " + k.id() + " was changed or deleted meanwhile; read it again.");
        }
        return updated;
    }

    public Optional<VirtualKey> key(String id) throws SQLException {
        List<VirtualKey> found = queryKeys("SELECT * FROM api_keys WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public List<VirtualKey> keys() throws SQLException {
        return queryKeys("SELECT * FROM api_keys ORDER BY created_at, id");
    }

    // ------------------------------------------------------------------ teams

    public Team insertTeam(Team t, String actor) throws SQLException {
        return inTransaction(c -> {
            long rev = nextRevision(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO teams (id, name, " + POLICY_COLUMNS
                    + ", metadata, deleted, created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[] p = policy(t.policy());
                Sql.bind(ps, t.id(), t.name(), p[0], p[1], p[2], p[3], p[4], p[5], t.metadataJson(), t.deleted(), t.createdAt(),
                        t.updatedAt(), rev);
                ps.executeUpdate();
            }
            audit.append(c, actor, "create", "team", t.id(), "name=" + t.name());
            return new Team(t.id(), t.name(), t.policy(), t.metadataJson(), t.deleted(), t.createdAt(), t.updatedAt(), rev);
        });
    }

    public Team updateTeam(Team t, long expectedRevision, String actor, String action) throws SQLException, ConflictException {
        Team updated = inTransaction(c -> {
            long rev = nextRevision(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE teams SET name = ?, models = ?, rpm_limit = ?, tpm_limit = ?, "
                    + "max_parallel = ?, max_budget_nanos = ?, budget_duration_seconds = ?, metadata = ?, deleted = ?, updated_at = ?, "
                    + "revision = ? WHERE id = ? AND revision = ?")) {
                Object[] p = policy(t.policy());
                Sql.bind(ps, t.name(), p[0], p[1], p[2], p[3], p[4], p[5], t.metadataJson(), t.deleted(), t.updatedAt(), rev, t.id(),
                        expectedRevision);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return null;
                }
            }
            audit.append(c, actor, action, "team", t.id(), "name=" + t.name());
            return new Team(t.id(), t.name(), t.policy(), t.metadataJson(), t.deleted(), t.createdAt(), t.updatedAt(), rev);
        });
        if (updated == null) {
            throw new ConflictException("The team " + t.id() + " was changed meanwhile; read it again.");
        }
        return updated;
    }

    public Optional<Team> team(String id) throws SQLException {
        List<Team> found = queryTeams("SELECT * FROM teams WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public List<Team> teams() throws SQLException {
        return queryTeams("SELECT * FROM teams WHERE deleted = ? ORDER BY created_at, id", false);
    }

    // ------------------------------------------------------------------ users

    public User insertUser(User u, String actor) throws SQLException {
        return inTransaction(c -> {
            long rev = nextRevision(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, name, email, team_id, " + POLICY_COLUMNS
                    + ", metadata, deleted, created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[] p = policy(u.policy());
                Sql.bind(ps, u.id(), u.name(), u.email(), u.teamId(), p[0], p[1], p[2], p[3], p[4], p[5], u.metadataJson(), u.deleted(),
                        u.createdAt(), u.updatedAt(), rev);
                ps.executeUpdate();
            }
            audit.append(c, actor, "create", "user", u.id(), "name=" + u.name());
            return new User(u.id(), u.name(), u.email(), u.teamId(), u.policy(), u.metadataJson(), u.deleted(), u.createdAt(),
                    u.updatedAt(), rev);
        });
    }

    public User updateUser(User u, long expectedRevision, String actor, String action) throws SQLException, ConflictException {
        User updated = inTransaction(c -> {
            long rev = nextRevision(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET name = ?, email = ?, team_id = ?, models = ?, rpm_limit = ?, "
                    + "tpm_limit = ?, max_parallel = ?, max_budget_nanos = ?, budget_duration_seconds = ?, metadata = ?, deleted = ?, "
                    + "updated_at = ?, revision = ? WHERE id = ? AND revision = ?")) {
                Object[] p = policy(u.policy());
                Sql.bind(ps, u.name(), u.email(), u.teamId(), p[0], p[1], p[2], p[3], p[4], p[5], u.metadataJson(), u.deleted(),
                        u.updatedAt(), rev, u.id(), expectedRevision);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return null;
                }
            }
            audit.append(c, actor, action, "user", u.id(), "name=" + u.name());
            return new User(u.id(), u.name(), u.email(), u.teamId(), u.policy(), u.metadataJson(), u.deleted(), u.createdAt(),
                    u.updatedAt(), rev);
        });
        if (updated == null) {
            throw new ConflictException("The user " + u.id() + " was changed meanwhile; read it again.");
        }
        return updated;
    }

    public Optional<User> user(String id) throws SQLException {
        List<User> found = queryUsers("SELECT * FROM users WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public List<User> users() throws SQLException {
        return queryUsers("SELECT * FROM users WHERE deleted = ? ORDER BY created_at, id", false);
    }

    // ------------------------------------------------------------------ sync

    /** Every key, team and user changed after {@code revision} (all of them for -1). */
    public Changes changesSince(long revision) throws SQLException {
        try (Connection c = db.connection()) {
            long current;
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM gantry_revision WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                current = rs.getLong(1);
            }
            if (current <= revision) {
                return new Changes(List.of(), List.of(), List.of(), current);
            }
            return new Changes(
                    readKeys(c, "SELECT * FROM api_keys WHERE revision > ?", revision),
                    readTeams(c, "SELECT * FROM teams WHERE revision > ?", revision),
                    readUsers(c, "SELECT * FROM users WHERE revision > ?", revision),
                    current);
        }
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = db.connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                if (result != null) {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /**
     * Takes the next revision. The row lock this update holds until commit makes revisions
     * commit in order, so "revision > N" never skips a change that commits late.
     */
    private static long nextRevision(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE gantry_revision SET value = value + 1 WHERE id = 1")) {
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM gantry_revision WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Object[] policy(Policy p) {
        return new Object[] {Sql.modelsJson(p.models()), p.rpmLimit(), p.tpmLimit(), p.maxParallel(), p.maxBudgetNanos(),
                p.budgetDuration() == null ? null : p.budgetDuration().toSeconds()};
    }

    private static Policy readPolicy(ResultSet rs) throws SQLException {
        Long seconds = Sql.getLong(rs, "budget_duration_seconds");
        return new Policy(Sql.models(rs.getString("models")), Sql.getLong(rs, "rpm_limit"), Sql.getLong(rs, "tpm_limit"),
                Sql.getInt(rs, "max_parallel"), Sql.getLong(rs, "max_budget_nanos"), seconds == null ? null : Duration.ofSeconds(seconds));
    }

    private static VirtualKey withRevision(VirtualKey k, long rev) {
        return new VirtualKey(k.id(), k.hash(), k.prefix(), k.name(), k.teamId(), k.userId(), k.policy(), k.expiresAt(), k.revoked(),
                k.metadataJson(), k.createdAt(), k.updatedAt(), rev);
    }

    private static String describe(VirtualKey k) {
        return "name=" + k.name() + (k.revoked() ? " revoked" : "");
    }

    private List<VirtualKey> queryKeys(String sql, Object... args) throws SQLException {
        try (Connection c = db.connection()) {
            return readKeys(c, sql, args);
        }
    }

    private List<Team> queryTeams(String sql, Object... args) throws SQLException {
        try (Connection c = db.connection()) {
            return readTeams(c, sql, args);
        }
    }

    private List<User> queryUsers(String sql, Object... args) throws SQLException {
        try (Connection c = db.connection()) {
            return readUsers(c, sql, args);
        }
    }

    private static List<VirtualKey> readKeys(Connection c, String sql, Object... args) throws SQLException {
        List<VirtualKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new VirtualKey(rs.getString("id"), rs.getString("key_hash").trim(), rs.getString("key_prefix"), rs.getString("name"),
                            rs.getString("team_id"), rs.getString("user_id"), readPolicy(rs), Sql.getLong(rs, "expires_at"),
                            rs.getBoolean("revoked"), rs.getString("metadata"), rs.getLong("created_at"), rs.getLong("updated_at"),
                            rs.getLong("revision")));
                }
            }
        }
        return out;
    }

    private static List<Team> readTeams(Connection c, String sql, Object... args) throws SQLException {
        List<Team> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Team(rs.getString("id"), rs.getString("name"), readPolicy(rs), rs.getString("metadata"),
                            rs.getBoolean("deleted"), rs.getLong("created_at"), rs.getLong("updated_at"), rs.getLong("revision")));
                }
            }
        }
        return out;
    }

    private static List<User> readUsers(Connection c, String sql, Object... args) throws SQLException {
        List<User> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new User(rs.getString("id"), rs.getString("name"), rs.getString("email"), rs.getString("team_id"), readPolicy(rs),
                            rs.getString("metadata"), rs.getBoolean("deleted"), rs.getLong("created_at"), rs.getLong("updated_at"),
                            rs.getLong("revision")));
                }
            }
        }
        return out;
    }
}
