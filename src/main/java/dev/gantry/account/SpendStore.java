package dev.gantry.account;

import java.util.List;

/** Where spend events end up (the database). Blocking: called on a worker thread, never on an event loop. */
public interface SpendStore {

    /**
     * Stores the events in one transaction. Idempotent: an event whose id is already stored is
     * skipped, so a batch may be written again after a crash or an unconfirmed commit.
     *
     * @throws Exception when the store is unavailable; the caller keeps the events and retries
     */
    void insertBatch(List<SpendEvent> events) throws Exception;
}
