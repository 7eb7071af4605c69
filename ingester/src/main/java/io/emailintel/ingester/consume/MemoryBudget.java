package io.emailintel.ingester.consume;

import java.util.concurrent.Semaphore;

/**
 * Bounds the heap that envelopes being processed may take together. Processing one envelope needs a few
 * times its size on top of the delivered bytes (the decoded attachments, the decoder's buffer, the push
 * message), so {@code concurrency} large envelopes at once can exhaust a small heap that holds any one of
 * them easily. Each envelope reserves an estimate before it is processed and waits while the budget is
 * spent; small e-mails never wait in practice, large ones take turns. A reservation larger than the whole
 * budget is capped to it: that envelope runs alone rather than never.
 */
final class MemoryBudget {

    /** Working set of one envelope beyond its delivered bytes, as a multiple of their size. */
    static final int WORKING_SET_FACTOR = 3;

    private final int totalKib;
    private final Semaphore kib;

    MemoryBudget(long bytes) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.kib = new Semaphore(totalKib, true);
    }

    /** A quarter of the maximum heap: the rest holds the prefetched deliveries and everything else. */
    static MemoryBudget ofHeap(Runtime runtime) {
        return new MemoryBudget(runtime.maxMemory() / 4);
    }

    /** Reserves room for processing an envelope of {@code bodyBytes}; blocks while the budget is spent. */
    Lease reserve(long bodyBytes) throws InterruptedException {
        int want = (int) Math.min(totalKib, Math.max(1, bodyBytes * WORKING_SET_FACTOR / 1024));
        kib.acquire(want);
        return new Lease(want);
    }

    /** Envelopes waiting for room. */
    int waiting() {
        return kib.getQueueLength();
    }

    int availableKib() {
        return kib.availablePermits();
    }

    /** Room held by one envelope; give it back when its processing is over. */
    final class Lease implements AutoCloseable {
        private final int kibHeld;
        private boolean closed;

        private Lease(int kibHeld) {
            this.kibHeld = kibHeld;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                kib.release(kibHeld);
            }
        }
    }
}
