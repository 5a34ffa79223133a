package dev.gantry.auth;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;

/**
 * Turns the credential a client presented into a principal, or refuses with 401. Virtual keys are
 * found by the SHA-256 of the secret in the in-memory {@link Directory}; the secret itself is
 * never stored, logged or kept.
 */
public final class Authenticator {

    private final MasterKey masterKey;
    private final Directory directory;

    public Authenticator(MasterKey masterKey) {
        this(masterKey, new Directory());
    }

    public Authenticator(MasterKey masterKey, Directory directory) {
        this.masterKey = masterKey;
        this.directory = directory;
    }

    /** @param bearer the token from {@code Authorization: Bearer ...} (or {@code x-api-key}); null when absent */
    public Principal authenticate(String bearer) {
        if (bearer == null || bearer.isEmpty()) {
            throw new GatewayError(ErrorKind.UNAUTHORIZED,
                    "Missing API key. Send it as 'Authorization: Bearer <key>'.", null, "invalid_api_key", null);
        }
        if (masterKey.matches(bearer)) {
            return Principal.MASTER;
        }
        if (bearer.startsWith(KeySecrets.PREFIX)) {
            String hash = KeySecrets.hash(bearer);
            VirtualKey key = directory.keyByHash(hash);
            if (key != null && KeySecrets.sameHash(hash, key.hash())) {
                return principalFor(key);
            }
        }
        throw invalid("Invalid API key.");
    }

    private Principal principalFor(VirtualKey key) {
        if (key.revoked()) {
            throw invalid("This API key has been revoked.");
        }
        if (key.expired(System.currentTimeMillis())) {
            throw invalid("This API key has expired.");
        }
        Team team = directory.team(key.teamId());
        if (key.teamId() != null && (team == null || team.deleted())) {
            throw invalid("The team of this API key no longer exists.");
        }
        User user = directory.user(key.userId());
        if (key.userId() != null && (user == null || user.deleted())) {
            throw invalid("The user of this API key no longer exists.");
        }
        return Principal.of(key, team, user);
    }

    private static GatewayError invalid(String message) {
        return new GatewayError(ErrorKind.UNAUTHORIZED, message, null, "invalid_api_key", null);
    }

    public Directory directory() {
        return directory;
    }

    /** Extracts the token from an Authorization header value; null if it is not a bearer credential. */
    public static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        return null;
    }
}
