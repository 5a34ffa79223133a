package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.auth.KeySecrets;
import dev.gantry.auth.Policy;
import dev.gantry.auth.VirtualKey;
import dev.gantry.model.GatewayError;
import dev.gantry.store.JdbcSpendStore;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /admin/keys}: create (the only time the secret is shown), list, read with spend, change, revoke. Blocking. */
final class KeyAdmin {

    static final Set<String> FIELDS;

    static {
        Set<String> f = new HashSet<>(AdminInput.POLICY_FIELDS);
        f.addAll(List.of("name", "expires_at", "team_id", "user_id", "metadata"));
        FIELDS = Set.copyOf(f);
    }

    private final AdminContext ctx;

    KeyAdmin(AdminContext ctx) {
        this.ctx = ctx;
    }

    AdminReply create(AdminRequest r) throws SQLException {
        ObjectNode body = AdminInput.object(r.body(), FIELDS);
        long now = System.currentTimeMillis();
        String name = AdminInput.requiredText(body, "name", AdminInput.MAX_NAME);
        Policy policy = AdminInput.policy(body, Policy.NONE);
        Long expiresAt = AdminInput.expiresAt(body, "expires_at", now);
        String metadata = AdminInput.metadata(body, "metadata");
        String teamId = AdminInput.reference(body, "team_id");
        String userId = AdminInput.reference(body, "user_id");
        ctx.requireTeam(teamId, "team_id");
        ctx.requireUser(userId, "user_id");

        String secret = KeySecrets.newSecret();
        VirtualKey key = new VirtualKey(AdminContext.newId("key"), KeySecrets.hash(secret), KeySecrets.displayPrefix(secret), name,
                teamId, userId, policy, expiresAt, false, metadata, now, now, 0);
        VirtualKey stored = ctx.principals().insertKey(key, r.actor());
        ctx.changed();

        ObjectNode out = AdminJson.object();
        out.put("id", stored.id());
        out.put("key", secret);
        out.setAll(AdminJson.key(stored));
        return AdminReply.created(out);
    }

    AdminReply list(AdminRequest r) throws SQLException {
        return AdminReply.ok(AdminJson.list(ctx.principals().keys().stream().map(AdminJson::key).toList()));
    }

    AdminReply get(AdminRequest r) throws SQLException {
        VirtualKey k = load(r.id());
        ObjectNode out = AdminJson.key(k);
        out.set("spend", ctx.spendOf(JdbcSpendStore.GroupBy.KEY, k.id(), k.createdAt(), k.policy()));
        return AdminReply.ok(out);
    }

    AdminReply patch(AdminRequest r) throws SQLException {
        ObjectNode body = AdminInput.object(r.body(), FIELDS);
        AdminInput.notEmpty(body);
        VirtualKey updated = ConflictRetry.once(() -> {
            VirtualKey k = load(r.id());
            if (k.revoked()) {
                throw GatewayError.badRequest("The key '" + k.id() + "' is revoked and cannot be changed; create a new one.", null);
            }
            VirtualKey next = apply(k, body);
            return ctx.principals().updateKey(next, k.revision(), r.actor(), "update");
        });
        ctx.changed();
        return AdminReply.ok(AdminJson.key(updated));
    }

    /** Revoking is final and idempotent: a key already revoked is returned as it is. */
    AdminReply revoke(AdminRequest r) throws SQLException {
        VirtualKey revoked = ConflictRetry.once(() -> {
            VirtualKey k = load(r.id());
            if (k.revoked()) {
                return k;
            }
            VirtualKey next = new VirtualKey(k.id(), k.hash(), k.prefix(), k.name(), k.teamId(), k.userId(), k.policy(), k.expiresAt(), true,
                    k.metadataJson(), k.createdAt(), System.currentTimeMillis(), k.revision());
            return ctx.principals().updateKey(next, k.revision(), r.actor(), "revoke");
        });
        ctx.changed();
        return AdminReply.ok(AdminJson.key(revoked));
    }

    private VirtualKey apply(VirtualKey k, ObjectNode body) throws SQLException {
        long now = System.currentTimeMillis();
        String name = body.has("name") ? AdminInput.requiredText(body, "name", AdminInput.MAX_NAME) : k.name();
        Policy policy = AdminInput.policy(body, k.policy());
        Long expiresAt = body.has("expires_at") ? AdminInput.expiresAt(body, "expires_at", now) : k.expiresAt();
        String metadata = body.has("metadata") ? AdminInput.metadata(body, "metadata") : k.metadataJson();
        String teamId = k.teamId();
        if (body.has("team_id")) {
            teamId = AdminInput.reference(body, "team_id");
            ctx.requireTeam(teamId, "team_id");
        }
        String userId = k.userId();
        if (body.has("user_id")) {
            userId = AdminInput.reference(body, "user_id");
            ctx.requireUser(userId, "user_id");
        }
        return new VirtualKey(k.id(), k.hash(), k.prefix(), name, teamId, userId, policy, expiresAt, k.revoked(), metadata,
                k.createdAt(), now, k.revision());
    }

    private VirtualKey load(String id) throws SQLException {
        return ctx.principals().key(id).orElseThrow(() -> AdminContext.notFound("key", id));
    }
}
