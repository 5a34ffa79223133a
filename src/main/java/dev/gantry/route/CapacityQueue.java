package dev.gantry.route;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where requests wait when every deployment they may use is at its limits (routing.queue). When
 * any slot frees, every waiter is woken on its own event loop and tries again; the ones that
 * lose re-enter. At most {@code max} wait; the rest are refused at once.
 */
public final class CapacityQueue {

    private final int max;
    private final AtomicInteger waiting = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong releases = new java.util.concurrent.atomic.AtomicLong();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    public CapacityQueue(int max) {
        this.max = max;
    }

    public int waiting() {
        return waiting.get();
    }

    /** How many slots were freed so far; lets a request see that one freed while it was deciding to wait. */
    public long releases() {
        return releases.get();
    }

    /** One waiting request; exactly one of wake, timeout or cancel takes effect. */
    public final class Waiter {
        private final Context context;
        private final Runnable onWake;
        private final AtomicBoolean done = new AtomicBoolean();

        private Waiter(Context context, Runnable onWake) {
            this.context = context;
            this.onWake = onWake;
        }

        /** Leaves the queue; true if this call did it (the waiter was still waiting). */
        public boolean leave() {
            if (done.compareAndSet(false, true)) {
                waiting.decrementAndGet();
                waiters.remove(this);
                return true;
            }
            return false;
        }

        private void wake() {
            if (done.compareAndSet(false, true)) {
                waiting.decrementAndGet();
                context.runOnContext(v -> onWake.run());
            }
        }
    }

    /** Queues a request; null when the queue is full. {@code onWake} runs on {@code context}. */
    public Waiter enter(Context context, Runnable onWake) {
        if (waiting.incrementAndGet() > max) {
            waiting.decrementAndGet();
            return null;
        }
        Waiter w = new Waiter(context, onWake);
        waiters.add(w);
        return w;
    }

    /** A slot was freed somewhere. Cheap when nobody waits, which is the normal case. */
    public void released() {
        releases.incrementAndGet();
        if (waiting.get() == 0) {
            return;
        }
        Waiter w;
        while ((w = waiters.poll()) != null) {
            w.wake();
        }
    }
}
