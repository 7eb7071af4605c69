package io.emailintel.fetcher;

import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.publish.EnvelopePublisher;
import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStorage;
import io.emailintel.model.Envelope;
import io.emailintel.topology.Topology;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the folder: backfill by receivedDateTime until the listing is exhausted, then the delta query.
 * Each page is published, its confirms awaited, and the cursor committed past the unbroken run of confirmed
 * envelopes before the next page is fetched: memory holds one page, and a crash replays at most one page.
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

    /** The broker did not confirm every envelope of a page; the cursor stays before the first missing one. */
    static final class NotConfirmedException extends IOException {
        NotConfirmedException(String message) {
            super(message);
        }
    }

    /** What a cycle did. */
    record Outcome(String cycleId, int published, CursorState state) {
    }

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
    /** How often a long backfill reports its progress. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);


    private CursorState state;
    private int published;

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
        log.info("fetch cycle {} starts: {} from {}", cycleId, state.phase(), state.watermark());
        try (EnvelopePublisher<Position> publisher = new EnvelopePublisher<>(connection, topology, clock,
                metrics::confirmed)) {
            if (state.phase() == CursorState.Phase.BACKFILL) {
                backfill(publisher, cycleId);
            }
            if (state.phase() == CursorState.Phase.DELTA && !stopRequested.getAsBoolean()) {
                delta(publisher, cycleId);
            }
        }
        log.info("fetch cycle {} done: {} e-mails published", cycleId, published);
        return new Outcome(cycleId, published, state);
    }

    private void backfill(EnvelopePublisher<Position> publisher, String cycleId)
            throws IOException, InterruptedException {
        Mailbox.Page page = mailbox.listSince(state.watermark());
        java.util.OptionalLong total = null; // asked for only once a backfill takes long enough to report
        Instant nextReport = clock.instant().plus(PROGRESS_INTERVAL);
        while (true) {
            if (!clock.instant().isBefore(nextReport)) {
                nextReport = clock.instant().plus(PROGRESS_INTERVAL);
                if (total == null) {
                    total = mailbox.totalItems();
                }
                log.info("backfill in progress: {} e-mail(s) published this cycle{}, now at {}", published,
                        total.isPresent() ? " (the folder holds " + total.getAsLong() + ")" : "", state.watermark());
            }
            for (Mailbox.Item item : page.items()) {
                if (!state.seen(item.id())) {
                    publish(publisher, item, cycleId);
                }
            }
            if (page.nextLink() == null) {
                publisher.mark(new BackfillDone());
            }
            settle(publisher);
            if (page.nextLink() == null || stopRequested.getAsBoolean()) {
                return;
            }
            page = mailbox.follow(page.nextLink(), false);
        }
    }

    private void delta(EnvelopePublisher<Position> publisher, String cycleId)
            throws IOException, InterruptedException {
        boolean resynced = false;
        Mailbox.Page page;
        try {
            page = state.deltaLink() == null ? mailbox.deltaStart() : mailbox.follow(state.deltaLink(), true);
        } catch (Mailbox.DeltaExpiredException e) {
            page = resync(e);
            resynced = true;
        }
        while (true) {
            // the first round enumerates the whole folder: only what is newer than the watermark (minus the
            // overlap) is new; later rounds report only changes
            Instant floor = state.settled() ? null : state.watermark().minus(overlap);
            for (Mailbox.Item item : page.items()) {
                if (item.removed() || state.seen(item.id())
                        || (floor != null && item.receivedAt() != null && item.receivedAt().isBefore(floor))) {
                    continue;
                }
                publish(publisher, item, cycleId);
            }
            boolean end = page.nextLink() == null;
            String link = end ? page.deltaLink() : page.nextLink();
            if (link == null) {
                throw new IOException("Graph's delta page has neither a next link nor a delta link");
            }
            publisher.mark(new PageDone(link, end));
            settle(publisher);
            if (end || stopRequested.getAsBoolean()) {
                return;
            }
            try {
                page = mailbox.follow(page.nextLink(), true);
            } catch (Mailbox.DeltaExpiredException e) {
                if (resynced) {
                    throw e;
                }
                page = resync(e);
                resynced = true;
            }
        }
    }

    private Mailbox.Page resync(Mailbox.DeltaExpiredException e) {
        log.warn("{}: resynchronising from {} minus {}", e.getMessage(), state.watermark(), overlap);
        state = state.resync().at(clock.instant());
        store.save(state);
        return mailbox.deltaStart();
    }

    private void publish(EnvelopePublisher<Position> publisher, Mailbox.Item item, String cycleId)
            throws IOException {
        Optional<Envelope> envelope = mailbox.envelope(item, cycleId);
        if (envelope.isEmpty()) {
            return;
        }
        Envelope e = publisher.publish(envelope.get(), new MessageDone(item.id(), envelope.get().receivedAt()));
        metrics.envelopeRead(e);
        published++;
        log.info("published envelope {} (received {}, {} attachments, {} skipped)", e.envelopeId(), e.receivedAt(),
                e.attachments().size(), e.skippedAttachments().size());
    }

    /** Waits for the page's confirms, commits what may be committed, and stops the cycle on any failure. */
    private void settle(EnvelopePublisher<Position> publisher) throws IOException, InterruptedException {
        boolean settled = publisher.awaitSettled(confirmTimeout);
        CursorState before = state;
        int confirmed = 0;
        for (Position p : publisher.committable()) {
            if (p instanceof MessageDone m) {
                confirmed++;
                state = state.withMessage(m.id(), m.receivedAt());
            } else if (p instanceof PageDone d) {
                state = state.withLink(d.link(), d.roundComplete());
            } else {
                state = state.toDelta();
            }
        }
        metrics.published(confirmed);
        if (state != before) {
            state = state.at(clock.instant());
            store.save(state);
        }
        if (!settled || publisher.failed()) {
            throw new NotConfirmedException("the broker did not confirm every envelope (returned, refused or "
                    + "timed out after " + confirmTimeout + "); the cursor stays before the first one missing");
        }
    }
}
