package dev.gantry.auth;

/**
 * A virtual key as stored: never the secret, only its SHA-256 ({@code hash}, hex) and a short
 * display {@code prefix}. Times are epoch milliseconds; {@code revision} orders changes.
 */
public record VirtualKey(String id, String hash, String prefix, String name, String teamId, String userId, Policy policy,
                         Long expiresAt, boolean revoked, String metadataJson, long createdAt, long updatedAt, long revision) {

    public boolean expired(long nowMillis) {
        return expiresAt != null && nowMillis >= expiresAt;
    }

    @Override
    public String toString() {
        return "VirtualKey[" + id + "]";
    }
}
