package io.emailintel.fetcher;

import io.emailintel.fetcher.graph.Mailbox;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The pages of one read of the folder — the backfill listing, or a delta round — in order, the page after the one
 * taken last fetched ahead on a thread of its own. A delta link that Graph rejects (expired, unknown token) starts
 * a new round once per cycle, a bounded resync; a second rejection ends the cycle.
 *
 * <p>A failure to fetch the following page is held until the page in hand is committed ({@link #resume}): what was
 * read before it is published first, and a new round starts only from a committed cursor.
 */
final class PageSource implements AutoCloseable {

    /** Runs before a new delta round starts: commits everything published and resets the cursor. */
    interface Restart {
        void beforeNewRound(Mailbox.DeltaExpiredException rejected) throws IOException, InterruptedException;
    }

    private final Mailbox mailbox;
    private final boolean delta;
    private final Supplier<Mailbox.Page> start;
    private final BooleanSupplier stopRequested;
    private final Restart restart;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "page-reader");
        t.setDaemon(true);
        return t;
    });
    private Future<Mailbox.Page> following;
    private RuntimeException held;
    private boolean restarted;

    private PageSource(Mailbox mailbox, boolean delta, Supplier<Mailbox.Page> start, BooleanSupplier stopRequested,
                       Restart restart) {
        this.mailbox = mailbox;
        this.delta = delta;
        this.start = start;
        this.stopRequested = stopRequested;
        this.restart = restart;
    }

    /** The backfill: messages received at or after {@code since}, oldest first. */
    static PageSource backfill(Mailbox mailbox, Instant since, BooleanSupplier stopRequested) {
        return new PageSource(mailbox, false, () -> mailbox.listSince(since), stopRequested, null);
    }

    /** A delta round, resumed from {@code link} (a next or delta link), or a new one when it is null. */
    static PageSource delta(Mailbox mailbox, String link, BooleanSupplier stopRequested, Restart restart) {
        return new PageSource(mailbox, true, link == null ? mailbox::deltaStart : () -> mailbox.follow(link, true),
                stopRequested, restart);
    }

    boolean delta() {
        return delta;
    }

    /** The first page. */
    Mailbox.Page first() throws IOException, InterruptedException {
        try {
            return fetchedAhead(start.get());
        } catch (Mailbox.DeltaExpiredException rejected) {
            return fetchedAhead(newRound(rejected));
        }
    }

    /**
     * The page after the one taken last, waiting for it; null when there is none, when a stop was requested, or
     * when it could not be fetched (then {@link #resume} says how reading goes on).
     */
    Mailbox.Page take() throws InterruptedException {
        if (following == null) {
            return null;
        }
        if (stopRequested.getAsBoolean()) {
            following.cancel(true);
            following = null;
            return null;
        }
        try {
            return fetchedAhead(await(following));
        } catch (RuntimeException e) {
            following = null;
            held = e;
            return null;
        }
    }

    /**
     * Once the page in hand is committed, after {@link #take} gave null: the first page of a new round when the
     * delta link was rejected (once per cycle), the failure to fetch thrown, or null when the read is over.
     */
    Mailbox.Page resume() throws IOException, InterruptedException {
        RuntimeException failure = held;
        held = null;
        if (failure instanceof Mailbox.DeltaExpiredException rejected) {
            return fetchedAhead(newRound(rejected));
        }
        if (failure != null) {
            throw failure;
        }
        return null;
    }

    private Mailbox.Page newRound(Mailbox.DeltaExpiredException rejected) throws IOException, InterruptedException {
        if (!delta || restarted) {
            throw rejected;
        }
        restarted = true;
        restart.beforeNewRound(rejected);
        return mailbox.deltaStart();
    }

    private Mailbox.Page fetchedAhead(Mailbox.Page page) {
        String link = page.nextLink();
        following = link == null ? null : fetcher.submit(() -> mailbox.follow(link, delta));
        return page;
    }

    private static Mailbox.Page await(Future<Mailbox.Page> page) throws InterruptedException {
        try {
            return page.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (following != null) {
            following.cancel(true);
        }
        fetcher.shutdownNow();
    }
}
