package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.BudgetPeriod;
import dev.gantry.auth.Policy;
import dev.gantry.auth.Team;
import dev.gantry.auth.User;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.store.JdbcSpendStore;
import dev.gantry.store.PrincipalStore;
import dev.gantry.store.Stores;
import java.security.SecureRandom;
import java.sql.SQLException;

/** What the admin actions share: the stores, the change notification, id generation and reference checks. Blocking. */
final class AdminContext {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Stores stores;
    private final Runnable onChange;

    AdminContext(Stores stores, Runnable onChange) {
        this.stores = stores;
        this.onChange = onChange;
    }

    PrincipalStore principals() {
        return stores.principals();
    }

    JdbcSpendStore spend() {
        return stores.spend();
    }

    Stores stores() {
        return stores;
    }

    /**
     * After a committed change: bring this instance's directory up to date before answering (so
     * a key just created works at once, a key just revoked fails at once, here), then tell others.
     */
    void changed() {
        if (!stores.sync().syncOnce()) {
            stores.sync().poke();
        }
        onChange.run();
    }

    /** {@code prefix_} and 24 random lower-case letters and digits (~124 bits). */
    static String newId(String prefix) {
        StringBuilder sb = new StringBuilder(prefix).append('_');
        for (int i = 0; i < 24; i++) {
            sb.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return sb.toString();
    }

    /** The team named by {@code field}, which must exist and not be deleted; null for null. */
    Team requireTeam(String id, String field) throws SQLException {
        if (id == null) {
            return null;
        }
        Team t = principals().team(id).orElse(null);
        if (t == null || t.deleted()) {
            throw GatewayError.badRequest("'" + field + "': no team with id '" + id + "' exists.", field);
        }
        return t;
    }

    User requireUser(String id, String field) throws SQLException {
        if (id == null) {
            return null;
        }
        User u = principals().user(id).orElse(null);
        if (u == null || u.deleted()) {
            throw GatewayError.badRequest("'" + field + "': no user with id '" + id + "' exists.", field);
        }
        return u;
    }

    static GatewayError notFound(String what, String id) {
        return new GatewayError(ErrorKind.NOT_FOUND, "No " + what + " with id '" + GatewayError.quote(AdminInput.safe(id)) + "' exists.",
                null, "not_found", null);
    }

    /** Spend of one key, team or user: the current budget period and all time, in USD. */
    ObjectNode spendOf(JdbcSpendStore.GroupBy scope, String id, long createdAt, Policy policy) throws SQLException {
        long now = System.currentTimeMillis();
        long start = BudgetPeriod.start(createdAt, policy.budgetDuration(), now);
        long end = BudgetPeriod.end(createdAt, policy.budgetDuration(), now);
        long current = spend().spentSince(scope, id, start);
        long total = spend().spentSince(scope, id, 0);
        ObjectNode o = AdminJson.object();
        o.put("current_period", Usd.of(current));
        o.put("total", Usd.of(total));
        o.put("period_start", Times.format(start));
        if (end == Long.MAX_VALUE) {
            o.putNull("period_end");
        } else {
            o.put("period_end", Times.format(end));
        }
        if (policy.maxBudgetNanos() == null) {
            o.putNull("remaining");
        } else {
            o.put("remaining", Usd.of(Math.max(0, policy.maxBudgetNanos() - current)));
        }
        return o;
    }
}
