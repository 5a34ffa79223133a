package dev.gantry.auth;

/**
 * Who is calling: the master key, or a virtual key with the team and user it belongs to (either
 * may be null). Everything needed to check access, limits and budgets without another lookup.
 */
public record Principal(String id, Kind kind, VirtualKey key, Team team, User user) {

    public enum Kind { MASTER, KEY }

    public static final Principal MASTER = new Principal("master", Kind.MASTER, null, null, null);

    public static Principal of(VirtualKey key, Team team, User user) {
        return new Principal(key.id(), Kind.KEY, key, team, user);
    }

    public boolean isMaster() {
        return kind == Kind.MASTER;
    }

    /** Whether the key, its team and its user all allow this public model name. */
    public boolean mayUse(String model) {
        if (kind == Kind.MASTER) {
            return true;
        }
        return key.policy().allows(model)
                && (team == null || team.policy().allows(model))
                && (user == null || user.policy().allows(model));
    }
}
