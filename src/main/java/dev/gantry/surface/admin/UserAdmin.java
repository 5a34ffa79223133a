package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Policy;
import dev.gantry.auth.User;
import dev.gantry.store.JdbcSpendStore;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /admin/users}: people or services keys belong to. Create, list, read with spend, change, delete (a mark). Blocking. */
final class UserAdmin {

    static final Set<String> FIELDS;

    static {
        Set<String> f = new HashSet<>(AdminInput.POLICY_FIELDS);
        f.addAll(List.of("name", "email", "team_id", "metadata"));
        FIELDS = Set.copyOf(f);
    }

    private final AdminContext ctx;

    UserAdmin(AdminContext ctx) {
        this.ctx = ctx;
    }

    AdminReply create(AdminRequest r) throws SQLException {
        ObjectNode body = AdminInput.object(r.body(), FIELDS);
        long now = System.currentTimeMillis();
        String name = AdminInput.text(body, "name", AdminInput.MAX_NAME);
        String email = AdminInput.email(body, "email");
        Policy policy = AdminInput.policy(body, Policy.NONE);
        String metadata = AdminInput.metadata(body, "metadata");
        String teamId = AdminInput.reference(body, "team_id");
        ctx.requireTeam(teamId, "team_id");
        User user = new User(AdminContext.newId("user"), name, email, teamId, policy, metadata, false, now, now, 0);
        User stored = ctx.principals().insertUser(user, r.actor());
        ctx.changed();
        return AdminReply.created(AdminJson.user(stored));
    }

    AdminReply list(AdminRequest r) throws SQLException {
        return AdminReply.ok(AdminJson.list(ctx.principals().users().stream().map(AdminJson::user).toList()));
    }

    AdminReply get(AdminRequest r) throws SQLException {
        User u = load(r.id());
        ObjectNode out = AdminJson.user(u);
        out.set("spend", ctx.spendOf(JdbcSpendStore.GroupBy.USER, u.id(), u.createdAt(), u.policy()));
        return AdminReply.ok(out);
    }

    AdminReply patch(AdminRequest r) throws SQLException {
        ObjectNode body = AdminInput.object(r.body(), FIELDS);
        AdminInput.notEmpty(body);
        User updated = ConflictRetry.once(() -> {
            User u = load(r.id());
            if (u.deleted()) {
                throw AdminContext.notFound("user", r.id());
            }
            String teamId = u.teamId();
            if (body.has("team_id")) {
                teamId = AdminInput.reference(body, "team_id");
                ctx.requireTeam(teamId, "team_id");
            }
            User next = new User(u.id(), body.has("name") ? AdminInput.text(body, "name", AdminInput.MAX_NAME) : u.name(),
                    body.has("email") ? AdminInput.email(body, "email") : u.email(), teamId, AdminInput.policy(body, u.policy()),
                    body.has("metadata") ? AdminInput.metadata(body, "metadata") : u.metadataJson(), false, u.createdAt(),
                    System.currentTimeMillis(), u.revision());
            return ctx.principals().updateUser(next, u.revision(), r.actor(), "update");
        });
        ctx.changed();
        return AdminReply.ok(AdminJson.user(updated));
    }

    /** Deleting is final and idempotent; the user's keys stop authenticating. */
    AdminReply delete(AdminRequest r) throws SQLException {
        User deleted = ConflictRetry.once(() -> {
            User u = load(r.id());
            if (u.deleted()) {
                return u;
            }
            User next = new User(u.id(), u.name(), u.email(), u.teamId(), u.policy(), u.metadataJson(), true, u.createdAt(),
                    System.currentTimeMillis(), u.revision());
            return ctx.principals().updateUser(next, u.revision(), r.actor(), "delete");
        });
        ctx.changed();
        return AdminReply.ok(AdminJson.user(deleted));
    }

    private User load(String id) throws SQLException {
        return ctx.principals().user(id).orElseThrow(() -> AdminContext.notFound("user", id));
    }
}
