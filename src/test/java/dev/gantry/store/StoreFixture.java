package dev.gantry.store;

import dev.gantry.auth.Policy;
import dev.gantry.auth.Team;
import dev.gantry.auth.User;
import dev.gantry.auth.VirtualKey;
import dev.gantry.testing.TestStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** A fresh, migrated database of one kind with its repositories, for the store tests. */
final class StoreFixture implements AutoCloseable {

    final Database db;
    final AuditLog audit;
    final PrincipalStore principals;
    final JdbcSpendStore spend;

    StoreFixture(TestStore kind) throws Exception {
        db = Database.open(kind.freshUrl(), null, null);
        audit = new AuditLog(db);
        principals = new PrincipalStore(db, audit);
        spend = new JdbcSpendStore(db);
    }

    long count(String table) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static VirtualKey key(String id, String hash, Policy policy) {
        return new VirtualKey(id, hash, "sk-gantry-abcd...", "key " + id, null, null, policy, null, false, null, 1_000, 1_000, 0);
    }

    static Team team(String id) {
        return new Team(id, "team " + id, Policy.NONE, null, false, 1_000, 1_000, 0);
    }

    static User user(String id, String teamId) {
        return new User(id, "user " + id, id + "@example.com", teamId, Policy.NONE, null, false, 1_000, 1_000, 0);
    }

    static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Override
    public void close() {
        db.close();
    }
}
