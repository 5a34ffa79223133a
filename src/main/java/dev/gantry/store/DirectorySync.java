package dev.gantry.store;

import dev.gantry.auth.Directory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-memory {@link Directory} in step with the database: reads every change after the
 * last revision it saw, every {@code interval} and at once when poked (a local admin change, or a
 * Redis invalidation from another instance). A database outage leaves the last copy serving and
 * is logged once; the sync resumes by itself.
 */
public final class DirectorySync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectorySync.class);

    private final PrincipalStore store;
    private final Directory directory;
    private final long intervalMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private boolean pending;
    private volatile boolean running = true;
    private volatile boolean healthy = true;
    private Thread thread;

    public DirectorySync(PrincipalStore store, Directory directory, long intervalMillis) {
        this.store = store;
        this.directory = directory;
        this.intervalMillis = intervalMillis;
    }

    /** Loads everything once (best effort), then keeps polling on a virtual thread. */
    public void start() {
        syncOnce();
        thread = Thread.ofVirtual().name("gantry-directory-sync").start(this::loop);
    }

    /** Asks for a sync now (cheap, any thread). */
    public void poke() {
        lock.lock();
        try {
            pending = true;
            poked.signal();
        } finally {
            lock.unlock();
        }
    }

    /** False while the database cannot be read. */
    public boolean healthy() {
        return healthy;
    }

    /** Syncs now on the caller's thread (blocking); true when the database answered. */
    public boolean syncOnce() {
        try {
            PrincipalStore.Changes changes = store.changesSince(directory.revision());
            directory.apply(changes.keys(), changes.teams(), changes.users(), changes.revision());
            if (!healthy) {
                log.info("Database reachable again; keys, teams and users are current (revision {})", changes.revision());
            }
            healthy = true;
            return true;
        } catch (Exception e) {
            if (healthy) {
                log.warn("Cannot read keys from the database ({}); known keys keep working, changes wait until it is back",
                        e.getClass().getSimpleName());
            }
            healthy = false;
            return false;
        }
    }

    private void loop() {
        while (running) {
            lock.lock();
            try {
                if (!pending) {
                    poked.await(intervalMillis, TimeUnit.MILLISECONDS);
                }
                pending = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (running) {
                syncOnce();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
