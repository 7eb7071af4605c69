package io.emailintel.fetcher.graph;

import io.emailintel.model.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Builds the envelopes of listed items on worker threads, ahead of the one thread that publishes them, and hands
 * them out in the order the items were added. While the publisher waits on the broker, attachments of the next
 * e-mails download. Memory stays bounded twice over: at most {@code maxAhead} items are started and not taken yet,
 * and their {@link Mailbox#expectedBytes expected bytes} stay within {@code budgetBytes} (an e-mail larger than the
 * budget runs alone). Graph's limit on concurrent requests is kept below, by {@link ThrottleInterceptor}.
 *
 * <p>One thread adds and takes; the workers only build.
 *
 * @param <T> what the worker makes of an envelope before handing it out (e.g. its encoded form)
 */
public final class EnvelopeReadahead<T> implements AutoCloseable {

    /** A built item: {@code value} empty when the message was gone by the time it was read. */
    public record Ready<T>(Mailbox.Item item, Optional<T> value) {
    }

    private record Started<T>(Mailbox.Item item, long cost, Future<Optional<T>> result) {
    }

    private final Mailbox mailbox;
    private final String fetchCycleId;
    private final Function<Envelope, T> prepare;
    private final int maxAhead;
    private final long budgetBytes;
    private final ExecutorService workers;
    private final Deque<Mailbox.Item> waiting = new ArrayDeque<>();
    private final Deque<Started<T>> started = new ArrayDeque<>();
    private long reserved;

    public EnvelopeReadahead(Mailbox mailbox, String fetchCycleId, Function<Envelope, T> prepare, int workers,
                             int maxAhead, long budgetBytes) {
        if (workers < 1 || maxAhead < 1 || budgetBytes < 1) {
            throw new IllegalArgumentException("workers, maxAhead and budgetBytes must be positive, not " + workers
                    + ", " + maxAhead + ", " + budgetBytes);
        }
        this.mailbox = mailbox;
        this.fetchCycleId = fetchCycleId;
        this.prepare = prepare;
        this.maxAhead = maxAhead;
        this.budgetBytes = budgetBytes;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "envelope-reader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues an item; its envelope is built as soon as the bounds allow. */
    public void add(Mailbox.Item item) {
        waiting.addLast(item);
        fill();
    }

    /** Items added and not taken yet. */
    public int size() {
        return waiting.size() + started.size();
    }

    /**
     * The oldest item's envelope, waiting for it if need be. A failure to read it (Graph trouble, throttling past
     * the retries) is thrown here, in order: the items before it have been taken.
     */
    public Ready<T> next() throws IOException, InterruptedException {
        fill();
        Started<T> s = started.pollFirst();
        if (s == null) {
            throw new IllegalStateException("no item to take");
        }
        try {
            return new Ready<>(s.item(), s.result().get());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            reserved -= s.cost();
            fill();
        }
    }

    private void fill() {
        while (!waiting.isEmpty() && started.size() < maxAhead) {
            Mailbox.Item item = waiting.peekFirst();
            long cost = Math.max(1, Math.min(budgetBytes, mailbox.expectedBytes(item)));
            if (!started.isEmpty() && reserved + cost > budgetBytes) {
                return;
            }
            waiting.pollFirst();
            reserved += cost;
            started.addLast(new Started<>(item, cost,
                    workers.submit(() -> mailbox.envelope(item, fetchCycleId).map(prepare))));
        }
    }

    /** Drops what was not taken; reads under way are interrupted. */
    @Override
    public void close() {
        waiting.clear();
        started.forEach(s -> s.result().cancel(true));
        started.clear();
        workers.shutdownNow();
    }
}
