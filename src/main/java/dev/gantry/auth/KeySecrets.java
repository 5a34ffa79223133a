package dev.gantry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Makes virtual key secrets and their digests. The secret exists only in the response that creates it. */
public final class KeySecrets {

    public static final String PREFIX = "sk-gantry-";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int RANDOM_CHARS = 40; // ~238 bits
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    public static String newSecret() {
        StringBuilder sb = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Lower-case hex SHA-256 of the secret, as stored and looked up. */
    public static String hash(String secret) {
        return HexFormat.of().formatHex(MasterKey.sha256(secret));
    }

    /** What lists show instead of the secret: the prefix and four more characters. */
    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(secret.length(), PREFIX.length() + 4)) + "...";
    }

    /** Constant-time comparison of two hex digests. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
