package dev.gantry.account;

import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link SpendStore} that can be switched down (every insert throws), up, or into
 * "commit then fail" (the rows are stored but the caller hears an error, as when a connection
 * drops after the commit). Idempotent by id like the real one; it counts how often each id was
 * offered so tests can tell a replay from a duplicate row.
 */
final class FakeSpendStore implements SpendStore {

    private final Map<String, SpendEvent> stored = new LinkedHashMap<>();
    private final Map<String, Integer> offered = new HashMap<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private boolean up = true;
    private boolean failAfterCommit;
    private int failures;
    private int conflicts;

    synchronized FakeSpendStore down() {
        up = false;
        return this;
    }

    synchronized FakeSpendStore up() {
        up = true;
        failAfterCommit = false;
        return this;
    }

    /** The next batches are stored but reported as failed, until {@link #up()}. */
    synchronized FakeSpendStore commitThenFail() {
        up = true;
        failAfterCommit = true;
        return this;
    }

    @Override
    public synchronized void insertBatch(List<SpendEvent> events) throws Exception {
        if (!up) {
            failures++;
            throw new SQLTransientConnectionException("fake spend store is down");
        }
        batchSizes.add(events.size());
        for (SpendEvent e : events) {
            offered.merge(e.id(), 1, Integer::sum);
            SpendEvent before = stored.putIfAbsent(e.id(), e);
            if (before != null && !before.equals(e)) {
                conflicts++;
            }
        }
        if (failAfterCommit) {
            failures++;
            throw new SQLTransientConnectionException("fake spend store: connection lost after commit");
        }
    }

    synchronized Map<String, SpendEvent> stored() {
        return new LinkedHashMap<>(stored);
    }

    synchronized int timesOffered(String id) {
        return offered.getOrDefault(id, 0);
    }

    /** Ids offered in more than one successful batch. */
    synchronized List<String> offeredMoreThanOnce() {
        return offered.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
    }

    synchronized List<Integer> batchSizes() {
        return new ArrayList<>(batchSizes);
    }

    synchronized int failures() {
        return failures;
    }

    /** Same id offered again with different content: would be a bug in the spool. */
    synchronized int conflicts() {
        return conflicts;
    }
}
