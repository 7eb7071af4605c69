package io.emailintel.fetcher;

import io.emailintel.fetcher.graph.EnvelopeReadahead;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.publish.EnvelopePublisher;
import io.emailintel.fetcher.publish.EnvelopeSize;
import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStorage;
import io.emailintel.model.Envelope;
import io.emailintel.topology.Topology;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the folder: backfill by receivedDateTime until the listing is exhausted, then the delta query.
 *
 * <p>Pages are pipelined: the next page is asked for as soon as one arrives, envelopes (attachments included) are
 * built on worker threads ahead of the publisher ({@link EnvelopeReadahead}), and publishing does not wait for the
 * broker's confirms page by page, only when {@link #MAX_UNCONFIRMED} are outstanding. Envelopes are still published
 * in listing order, and the cursor still moves only past an unbroken run of confirmed envelopes
 * ({@link io.emailintel.fetcher.publish.InFlight}); it is written at most every {@link #COMMIT_INTERVAL}, and always
 * at the end of the backfill and of the cycle, at a stop and after a failure. Memory holds about three pages
 * (one published, one queued, one being fetched) and the read-ahead's bounded envelopes. A crash replays what was
 * not committed: at-least-once, duplicates are harmless downstream.
 */
final class FetchCycle {

    private static final Logger log = LoggerFactory.getLogger(FetchCycle.class);

    /** What a committed envelope or page end tells the cursor. */
    sealed interface Position {
    }

    record MessageDone(String id, Instant receivedAt) implements Position {
    }

    record BackfillDone() implements Position {
    }

    record PageDone(String link, boolean roundComplete) implements Position {
    }

    /** The broker did not confirm every envelope; the cursor stays before the first missing one. */
    static final class NotConfirmedException extends IOException {
        NotConfirmedException(String message) {
            super(message);
        }
    }

    /** What a cycle did. */
    record Outcome(String cycleId, int published, CursorState state) {
    }

    /** How often a long backfill reports its progress. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);
    /** How often the cursor file is rewritten while the cycle runs (each write is an fsync). */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** Envelopes published and not confirmed yet, at most, before publishing waits for the broker. */
    static final int MAX_UNCONFIRMED = 512;
    /** Envelopes built ahead of the publisher, at most, and the bytes they may hold together. */
    static final int READ_AHEAD = 16;
    static final long READ_AHEAD_BYTES = 16L * 1024 * 1024;

    private final Mailbox mailbox;
    private final CursorStorage store;
    private final Connection connection;
    private final Topology topology;
    private final Clock clock;
    private final String mailboxName;
    private final String folder;
    private final Duration importPeriod;
    private final Duration overlap;
    private final Duration confirmTimeout;
    private final BooleanSupplier stopRequested;
    private final FetcherMetrics metrics;

    private CursorState state;
    private boolean dirty;
    private Instant nextSave;
    private int published;
    private EnvelopePublisher<Position> publisher;
    private EnvelopeReadahead<EnvelopeSize.Fitted> reader;
    private ExecutorService pageReader;

    FetchCycle(Mailbox mailbox, CursorStorage store, Connection connection, Topology topology, Clock clock,
               String mailboxName, String folder, Duration importPeriod, Duration overlap, Duration confirmTimeout,
               BooleanSupplier stopRequested, FetcherMetrics metrics) {
        this.metrics = metrics;
        this.mailbox = mailbox;
        this.store = store;
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
        this.mailboxName = mailboxName;
        this.folder = folder;
        this.importPeriod = importPeriod;
        this.overlap = overlap;
        this.confirmTimeout = confirmTimeout;
        this.stopRequested = stopRequested;
    }

    Outcome run() throws IOException, InterruptedException {
        String cycleId = UUID.randomUUID().toString();
        state = store.load().orElseGet(() -> CursorState.initial(mailboxName, folder,
                clock.instant().minus(importPeriod)));
        nextSave = clock.instant().plus(COMMIT_INTERVAL);
        log.info("fetch cycle {} starts: {} from {}", cycleId, state.phase(), state.watermark());
        pageReader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "page-reader");
            t.setDaemon(true);
            return t;
        });
        try (EnvelopePublisher<Position> p = new EnvelopePublisher<>(connection, topology, clock, metrics::confirmed);
             EnvelopeReadahead<EnvelopeSize.Fitted> r = new EnvelopeReadahead<>(mailbox, cycleId, p::encode,
                     GraphClients.MAX_CONCURRENT_REQUESTS, READ_AHEAD, READ_AHEAD_BYTES)) {
            publisher = p;
            reader = r;
            try {
                if (state.phase() == CursorState.Phase.BACKFILL || !mailbox.offersDelta()) {
                    pages(mailbox.listSince(state.watermark()), false, false);
                    commit(true); // the delta round filters on what the backfill committed
                }
                if (state.phase() == CursorState.Phase.DELTA && !stopRequested.getAsBoolean()) {
                    delta();
                }
                commit(true);
            } catch (NotConfirmedException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                salvage(e);
                throw e;
            }
        } finally {
            pageReader.shutdownNow();
        }
        log.info("fetch cycle {} done: {} e-mails published", cycleId, published);
        return new Outcome(cycleId, published, state);
    }

    private void delta() throws IOException, InterruptedException {
        Mailbox.Page first;
        try {
            first = state.deltaLink() == null ? mailbox.deltaStart() : mailbox.follow(state.deltaLink(), true);
        } catch (Mailbox.DeltaExpiredException e) {
            pages(resync(e), true, true);
            return;
        }
        pages(first, true, false);
    }

    /**
     * Reads pages from {@code first} on, publishing their envelopes in order. A failure to fetch the next page
     * surfaces once the page in hand is published; an expired delta link then restarts the round once.
     */
    private void pages(Mailbox.Page first, boolean delta, boolean resyncedAlready)
            throws IOException, InterruptedException {
        boolean resynced = resyncedAlready;
        Mailbox.Page page = first;
        Instant floor = floor(delta);
        Future<Mailbox.Page> next = prefetch(page, delta);
        int queued = queue(page, delta, floor);
        OptionalLong total = null; // asked for only once a backfill takes long enough to report
        Instant nextReport = clock.instant().plus(PROGRESS_INTERVAL);
        while (true) {
            if (!delta && !clock.instant().isBefore(nextReport)) {
                nextReport = clock.instant().plus(PROGRESS_INTERVAL);
                if (total == null) {
                    total = mailbox.totalItems();
                }
                log.info("backfill in progress: {} e-mail(s) published this cycle{}, now at {}", published,
                        total.isPresent() ? " (the folder holds " + total.getAsLong() + ")" : "", state.watermark());
            }
            Mailbox.Page following = null;
            int followingQueued = 0;
            RuntimeException failure = null;
            for (int left = queued; left >= 0; left--) {
                // the next page joins the read-ahead before this one runs dry, so the workers never idle
                if (following == null && failure == null && next != null && (left == 0 || reader.size() <= READ_AHEAD)) {
                    if (stopRequested.getAsBoolean()) {
                        next.cancel(true);
                        next = null;
                    } else {
                        try {
                            following = await(next);
                            followingQueued = queue(following, delta, floor);
                            next = prefetch(following, delta);
                        } catch (RuntimeException e) {
                            failure = e;
                        }
                    }
                }
                if (left > 0) {
                    publish(reader.next());
                }
            }
            mark(page, delta);
            commit(false);
            if (failure instanceof Mailbox.DeltaExpiredException expired && delta && !resynced) {
                commit(true); // the round restarts from what is committed
                following = resync(expired);
                resynced = true;
                floor = floor(true);
                next = prefetch(following, true);
                followingQueued = queue(following, true, floor);
            } else if (failure != null) {
                throw failure;
            }
            if (following == null) {
                return;
            }
            page = following;
            queued = followingQueued;
        }
    }

    /** What a page's end tells the cursor: the backfill's end, or where the delta round resumes. */
    private void mark(Mailbox.Page page, boolean delta) throws IOException {
        if (!delta) {
            if (page.nextLink() == null) {
                publisher.mark(new BackfillDone());
            }
            return;
        }
        boolean end = page.nextLink() == null;
        String link = end ? page.deltaLink() : page.nextLink();
        if (link == null) {
            throw new IOException("Graph's delta page has neither a next link nor a delta link");
        }
        publisher.mark(new PageDone(link, end));
    }

    /**
     * The first delta round enumerates the whole folder: only what is newer than the watermark (minus the overlap)
     * is new; later rounds report only changes. Taken once per round, from the watermark the round started at.
     */
    private Instant floor(boolean delta) {
        return !delta || state.settled() ? null : state.watermark().minus(overlap);
    }

    /** Hands the page's new items to the read-ahead; returns how many. */
    private int queue(Mailbox.Page page, boolean delta, Instant floor) {
        Set<String> seen = new HashSet<>(state.recentIds());
        int n = 0;
        for (Mailbox.Item item : page.items()) {
            if (seen.contains(item.id()) || (delta && (item.removed()
                    || (floor != null && item.receivedAt() != null && item.receivedAt().isBefore(floor))))) {
                continue;
            }
            reader.add(item);
            n++;
        }
        return n;
    }

    private Future<Mailbox.Page> prefetch(Mailbox.Page page, boolean delta) {
        String link = page.nextLink();
        return link == null ? null : pageReader.submit(() -> mailbox.follow(link, delta));
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

    private Mailbox.Page resync(Mailbox.DeltaExpiredException e) {
        log.warn("{}: resynchronising from {} minus {}", e.getMessage(), state.watermark(), overlap);
        state = state.resync().at(clock.instant());
        store.save(state);
        dirty = false;
        return mailbox.deltaStart();
    }

    private void publish(EnvelopeReadahead.Ready<EnvelopeSize.Fitted> ready) throws IOException {
        if (ready.value().isEmpty()) {
            return;
        }
        EnvelopeSize.Fitted fitted = ready.value().get();
        Envelope e = publisher.publish(fitted, new MessageDone(ready.item().id(), fitted.envelope().receivedAt()));
        metrics.envelopeRead(e);
        published++;
        log.info("published envelope {} (received {}, {} attachments, {} skipped)", e.envelopeId(), e.receivedAt(),
                e.attachments().size(), e.skippedAttachments().size());
    }

    /**
     * Moves the cursor past what the broker confirmed and writes it when due. With {@code all} it first waits for
     * every confirm; otherwise only while more than {@link #MAX_UNCONFIRMED} are outstanding. Any envelope
     * returned, refused or unconfirmed in time stops the cycle.
     */
    private void commit(boolean all) throws IOException, InterruptedException {
        boolean settled = all ? publisher.awaitSettled(confirmTimeout)
                : publisher.awaitPendingAtMost(MAX_UNCONFIRMED, confirmTimeout);
        advance();
        boolean failed = !settled || publisher.failed();
        if (dirty && (all || failed || !clock.instant().isBefore(nextSave))) {
            save();
        }
        if (failed) {
            throw new NotConfirmedException("the broker did not confirm every envelope (returned, refused or "
                    + "timed out after " + confirmTimeout + "); the cursor stays before the first one missing");
        }
    }

    /** Folds the committable positions into the state, runs of messages in one step. */
    private void advance() {
        List<String> ids = new ArrayList<>();
        Instant newest = null;
        int confirmed = 0;
        for (Position p : publisher.committable()) {
            dirty = true;
            if (p instanceof MessageDone m) {
                confirmed++;
                ids.add(m.id());
                newest = newest == null || (m.receivedAt() != null && m.receivedAt().isAfter(newest))
                        ? m.receivedAt() : newest;
                continue;
            }
            if (!ids.isEmpty()) {
                state = state.withMessages(ids, newest);
                ids = new ArrayList<>();
                newest = null;
            }
            state = p instanceof PageDone d ? state.withLink(d.link(), d.roundComplete()) : state.toDelta();
        }
        if (!ids.isEmpty()) {
            state = state.withMessages(ids, newest);
        }
        metrics.published(confirmed);
    }

    private void save() {
        state = state.at(clock.instant());
        store.save(state);
        dirty = false;
        nextSave = clock.instant().plus(COMMIT_INTERVAL);
    }

    /** After a failure: keep what the broker confirmed before it, so the next cycle resumes there. */
    private void salvage(Exception failure) {
        try {
            publisher.awaitSettled(confirmTimeout);
            advance();
            if (dirty) {
                save();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
