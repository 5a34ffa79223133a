package dev.gantry.auth;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;

/** Turns the credential a client presented into a principal, or refuses with 401. */
public final class Authenticator {

    private final MasterKey masterKey;

    public Authenticator(MasterKey masterKey) {
        this.masterKey = masterKey;
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
        throw new GatewayError(ErrorKind.UNAUTHORIZED, "Invalid API key.", null, "invalid_api_key", null);
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
