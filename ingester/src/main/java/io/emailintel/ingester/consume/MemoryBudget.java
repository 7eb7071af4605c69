package io.emailintel.ingester.consume;

/**
 * Bounds by bytes the heap that envelopes take from delivery until they are settled. A delivered body is in
 * memory as soon as the broker sends it, so deliveries cannot wait: {@link #hold} charges the body at once, and
 * the prefetch count is what bounds them (the default, {@link #defaultPrefetch}, keeps prefetch × the largest
 * envelope the pipeline accepts within a quarter of the heap). Processing needs a few times the body on top
 * (the decoded attachments, the bundle, the push messages, kept until the push is confirmed or has finally
 * failed, for quick retries):
 * {@link #reserve} waits while that would overdraw the budget, so small e-mails never wait in practice and
 * large ones take turns. One working set always runs even when it alone is larger than the budget: that
 * envelope runs alone rather than never.
 */
final class MemoryBudget {

    /** Working set of one envelope beyond its delivered bytes, as a multiple of their size. */
    static final int WORKING_SET_FACTOR = 3;

    /**
     * The largest envelope body the pipeline accepts: RabbitMQ 4's default {@code max_message_size}, 16 MiB
     * (rabbitmq-server {@code deps/rabbit/Makefile}, {@code {max_message_size, 16777216}}); the fetcher keeps
     * envelopes under 15 MiB ({@code EnvelopeSize.MAX_BYTES}).
     */
    static final long MAX_ENVELOPE_BYTES = 16L * 1024 * 1024;

    /** The default prefetch never exceeds this (the value before it was derived from the heap). */
    static final int MAX_DEFAULT_PREFETCH = 8;

    private final long total;
    private long used;
    private int working;
    private int waiting;

    MemoryBudget(long bytes) {
        this.total = Math.max(1, bytes);
    }

    /** Half of the maximum heap: the other half is for everything that is not an envelope. */
    static MemoryBudget ofHeap(Runtime runtime) {
        return new MemoryBudget(runtime.maxMemory() / 2);
    }

    /**
     * The prefetch when {@code INGESTER_PREFETCH} is not set: ⌊max heap / 4 / 16 MiB⌋, at least 1 and at most
     * {@value #MAX_DEFAULT_PREFETCH}, so the deliveries one ingester holds fit in a quarter of its heap even when
     * every one is as large as the pipeline allows (at -Xmx256m: 3; from -Xmx512m: 8).
     */
    static int defaultPrefetch(long maxHeapBytes) {
        long n = maxHeapBytes / 4 / MAX_ENVELOPE_BYTES;
        return (int) Math.max(1, Math.min(MAX_DEFAULT_PREFETCH, n));
    }

    /** Charges a delivered body at once (it is in memory already); give it back when the delivery is settled. */
    synchronized Lease hold(long bodyBytes) {
        long bytes = Math.max(1, bodyBytes);
        used += bytes;
        return new Lease(bytes, false);
    }

    /**
     * Reserves room for processing an envelope of {@code bodyBytes}; blocks while another envelope is being
     * processed and this one would overdraw the budget.
     */
    synchronized Lease reserve(long bodyBytes) throws InterruptedException {
        long want = Math.max(1, bodyBytes * WORKING_SET_FACTOR);
        waiting++;
        try {
            while (working > 0 && used + want > total) {
                wait();
            }
        } finally {
            waiting--;
        }
        used += want;
        working++;
        return new Lease(want, true);
    }

    /** Envelopes waiting for room. */
    synchronized int waiting() {
        return waiting;
    }

    /** Bytes not charged (negative when deliveries alone overdraw it). */
    synchronized long available() {
        return total - used;
    }

    private synchronized void release(long bytes, boolean workingSet) {
        used -= bytes;
        if (workingSet) {
            working--;
        }
        notifyAll();
    }

    /** Room held by one envelope; give it back when it is settled. */
    final class Lease implements AutoCloseable {
        private final long bytes;
        private final boolean workingSet;
        private boolean closed;

        private Lease(long bytes, boolean workingSet) {
            this.bytes = bytes;
            this.workingSet = workingSet;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(bytes, workingSet);
        }
    }
}
