package dev.gantry.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The master key. Only its SHA-256 digest stays in memory; candidates are hashed and compared in
 * constant time, so neither timing nor a heap dump reveals it.
 */
public final class MasterKey {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final String FILE_NAME = "master.key";

    private final byte[] digest;

    private MasterKey(String key) {
        this.digest = sha256(key);
    }

    public static MasterKey of(String key) {
        return new MasterKey(key);
    }

    /** What happened when the key was resolved, for the start-up banner. */
    public record Resolution(MasterKey key, String generatedSecret, Path file) {}

    /** Uses the configured key, else the one stored in {@code dataDir}, else generates and stores a new one. */
    public static Resolution resolve(String configured, Path dataDir) throws IOException {
        if (configured != null) {
            return new Resolution(new MasterKey(configured), null, null);
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (stored.length() >= 16) {
                return new Resolution(new MasterKey(stored), null, file);
            }
        }
        String secret = generate();
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return new Resolution(new MasterKey(secret), secret, file);
    }

    static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder("sk-gantry-master-");
        for (int i = 0; i < 40; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
