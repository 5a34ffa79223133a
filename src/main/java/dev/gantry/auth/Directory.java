package dev.gantry.auth;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every key, team and user, held in memory so authenticating a request is a hash lookup, never a
 * database round trip. Kept current by {@code DirectorySync}: changes are applied in revision
 * order, and a row never goes back to an older revision. While the database is down the last
 * copy keeps serving (keys already known keep working; new keys cannot be created anyway).
 */
public final class Directory {

    private final ConcurrentHashMap<String, VirtualKey> keysByHash = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, VirtualKey> keysById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Team> teams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
    private volatile long revision = -1;

    public VirtualKey keyByHash(String hash) {
        return keysByHash.get(hash);
    }

    public VirtualKey key(String id) {
        return keysById.get(id);
    }

    public Team team(String id) {
        return id == null ? null : teams.get(id);
    }

    public User user(String id) {
        return id == null ? null : users.get(id);
    }

    public Collection<VirtualKey> keys() {
        return keysById.values();
    }

    /** The highest revision applied so far; -1 before the first load. */
    public long revision() {
        return revision;
    }

    public synchronized void apply(List<VirtualKey> changedKeys, List<Team> changedTeams, List<User> changedUsers, long upTo) {
        for (VirtualKey k : changedKeys) {
            VirtualKey old = keysById.get(k.id());
            if (old == null || old.revision() <= k.revision()) {
                keysById.put(k.id(), k);
                keysByHash.put(k.hash(), k);
            }
        }
        for (Team t : changedTeams) {
            Team old = teams.get(t.id());
            if (old == null || old.revision() <= t.revision()) {
                teams.put(t.id(), t);
            }
        }
        for (User u : changedUsers) {
            User old = users.get(u.id());
            if (old == null || old.revision() <= u.revision()) {
                users.put(u.id(), u);
            }
        }
        revision = Math.max(revision, upTo);
    }
}
