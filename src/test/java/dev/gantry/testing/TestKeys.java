package dev.gantry.testing;

import dev.gantry.auth.KeySecrets;
import dev.gantry.auth.Policy;
import dev.gantry.auth.VirtualKey;
import dev.gantry.store.Stores;
import java.util.concurrent.atomic.AtomicLong;

/** Creates virtual keys straight in a store (the admin API has its own tests) and waits until the directory knows them. */
public final class TestKeys {

    private static final AtomicLong SEQ = new AtomicLong();

    private TestKeys() {}

    /** @return the secret */
    public static String create(Stores stores, Policy policy) throws Exception {
        return create(stores, policy, null, null);
    }

    public static String create(Stores stores, Policy policy, String teamId, String userId) throws Exception {
        String secret = KeySecrets.newSecret();
        long now = System.currentTimeMillis();
        VirtualKey key = new VirtualKey("key_t" + SEQ.incrementAndGet() + "_" + secret.substring(12, 20), KeySecrets.hash(secret),
                KeySecrets.displayPrefix(secret), "test", teamId, userId, policy, null, false, null, now, now, 0);
        stores.principals().insertKey(key, "test");
        stores.sync().syncOnce();
        return secret;
    }

    public static String id(Stores stores, String secret) {
        return stores.directory().keyByHash(KeySecrets.hash(secret)).id();
    }
}
