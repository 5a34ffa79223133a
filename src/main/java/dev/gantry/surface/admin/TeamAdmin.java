package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.Policy;
import dev.gantry.auth.Team;
import dev.gantry.store.JdbcSpendStore;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /admin/teams}: create, list, read with spend, change, delete (a mark: spend and audit keep referring to it). Blocking. */
final class TeamAdmin {

    static final Set<String> FIELDS;

    static {
        Set<String> f = new HashSet<>(AdminInput.POLICY_FIELDS);
        f.addAll(List.of("name", "metadata"));
        FIELDS = Set.copyOf(f);
    }

    private final AdminContext ctx;

    TeamAdmin(AdminContext ctx) {
        this.ctx = ctx;
    }

    AdminReply create(AdminRequest r) throws SQLException {
        ObjectNode body = AdminInput.object(r.body(), FIELDS);
        long now = System.currentTimeMillis();
        Team team = new Team(AdminContext.newId("team"), AdminInput.requiredText(body, "name", AdminInput.MAX_NAME),
                AdminInput.policy(body, Policy.NONE), AdminInput.metadata(body, "metadata"), false, now, now, 0);
        Team stored = ctx.principals().insertTeam(team, r.actor());
        ctx.changed();
        return AdminReply.created(AdminJson.team(stored));
    }

    AdminReply list(AdminRequest r) throws SQLException {
        return AdminReply.ok(AdminJson.list(ctx.principals().teams().stream().map(AdminJson::team).toList()));
    }

    AdminReply get(AdminRequest r) throws SQLException {
        Team t = load(r.id());
        ObjectNode out = AdminJson.team(t);
        out.set("spend", ctx.spendOf(JdbcSpendStore.GroupBy.TEAM, t.id(), t.createdAt(), t.policy()));
        return AdminReply.ok(out);
    }

    AdminReply patch(AdminRequest r) throws SQLException {
        ObjectNode body = AdminInput.object(r.body(), FIELDS);
        AdminInput.notEmpty(body);
        Team updated = ConflictRetry.once(() -> {
            Team t = live(r.id());
            Team next = new Team(t.id(), body.has("name") ? AdminInput.requiredText(body, "name", AdminInput.MAX_NAME) : t.name(),
                    AdminInput.policy(body, t.policy()), body.has("metadata") ? AdminInput.metadata(body, "metadata") : t.metadataJson(),
                    false, t.createdAt(), System.currentTimeMillis(), t.revision());
            return ctx.principals().updateTeam(next, t.revision(), r.actor(), "update");
        });
        ctx.changed();
        return AdminReply.ok(AdminJson.team(updated));
    }

    /** Deleting is final and idempotent; the team's keys stop authenticating. */
    AdminReply delete(AdminRequest r) throws SQLException {
        Team deleted = ConflictRetry.once(() -> {
            Team t = load(r.id());
            if (t.deleted()) {
                return t;
            }
            Team next = new Team(t.id(), t.name(), t.policy(), t.metadataJson(), true, t.createdAt(), System.currentTimeMillis(), t.revision());
            return ctx.principals().updateTeam(next, t.revision(), r.actor(), "delete");
        });
        ctx.changed();
        return AdminReply.ok(AdminJson.team(deleted));
    }

    private Team load(String id) throws SQLException {
        return ctx.principals().team(id).orElseThrow(() -> AdminContext.notFound("team", id));
    }

    private Team live(String id) throws SQLException {
        Team t = load(id);
        if (t.deleted()) {
            throw AdminContext.notFound("team", id);
        }
        return t;
    }
}
