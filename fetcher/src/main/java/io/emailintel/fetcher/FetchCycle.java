package io.emailintel.fetcher;

import io.emailintel.fetcher.CursorWriter.BackfillDone;
import io.emailintel.fetcher.CursorWriter.MessageDone;
import io.emailintel.fetcher.CursorWriter.PageDone;
import io.emailintel.fetcher.CursorWriter.Position;
import io.emailintel.fetcher.graph.EnvelopeReadahead;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.publish.EnvelopePublisher;
import io.emailintel.fetcher.publish.EnvelopeSize;
import io.emailintel.fetcher.publish.InFlight;
import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStorage;
import io.emailintel.model.Envelope;
import io.emailintel.topology.Topology;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the folder: backfill by receivedDateTime until the listing is exhausted, then the delta query.
 * For each page: publish its new envelopes, mark its end, commit.
 *
 * <p>Work is pipelined: the page after the one in hand is fetched ahead ({@link PageSource}), its items join the
 * read-ahead before the page in hand runs dry, envelopes (attachments included) are built on worker threads ahead
 * of the publisher ({@link EnvelopeReadahead}), and publishing waits for the broker only while
 * {@link #MAX_UNCONFIRMED} envelopes are unconfirmed. Envelopes are published in listing order; the cursor moves
 * only past an unbroken run of confirmed envelopes ({@link InFlight}) and is written at most every
 * {@link CursorWriter#INTERVAL}, and always at the end of the backfill and of the cycle, at a stop and after a
 * failure. Memory holds about three pages (one published, one queued, one being fetched) and the read-ahead's
 * bounded envelopes. A crash replays what was not committed: at-least-once, duplicates are harmless downstream.
 */
final class FetchCycle {

    private static final Logger log = LoggerFactory.getLogger(FetchCycle.class);

    /** What a cycle did. */
    record Outcome(String cycleId, int published, CursorState state) {
    }

    /** How often a long backfill reports its progress. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);
    /** Envelopes published and not confirmed yet, at most: the next publish waits for the broker. */
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
        CursorWriter cursor = new CursorWriter(store, store.load().orElseGet(() -> CursorState.initial(mailboxName,
                folder, clock.instant().minus(importPeriod))), clock, overlap);
        log.info("fetch cycle {} starts: {} from {}", cycleId, cursor.state().phase(), cursor.state().watermark());
        try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, clock, metrics::confirmed);
             EnvelopeReadahead<EnvelopeSize.Fitted> reader = new EnvelopeReadahead<>(mailbox, cycleId,
                     publisher::encode, GraphClients.MAX_CONCURRENT_REQUESTS, READ_AHEAD, READ_AHEAD_BYTES)) {
            Pass pass = new Pass(cursor, new InFlight<>(), publisher, reader);
            pass.run();
            log.info("fetch cycle {} done: {} e-mails published", cycleId, pass.published);
            return new Outcome(cycleId, pass.published, cursor.state());
        }
    }

    /** A page and how many of its items are new, queued in the read-ahead in that order. */
    private record Queued(Mailbox.Page page, int count) {
    }

    /** One run of the cycle: its cursor, the positions it has in flight, its publisher and read-ahead. */
    private final class Pass {
        private final CursorWriter cursor;
        private final InFlight<Position> inFlight;
        private final EnvelopePublisher publisher;
        private final EnvelopeReadahead<EnvelopeSize.Fitted> reader;
        private final Progress progress = new Progress();
        private int published;

        Pass(CursorWriter cursor, InFlight<Position> inFlight, EnvelopePublisher publisher,
             EnvelopeReadahead<EnvelopeSize.Fitted> reader) {
            this.cursor = cursor;
            this.inFlight = inFlight;
            this.publisher = publisher;
            this.reader = reader;
        }

        void run() throws IOException, InterruptedException {
            try {
                if (cursor.state().phase() == CursorState.Phase.BACKFILL || !mailbox.offersDelta()) {
                    try (PageSource pages = PageSource.backfill(mailbox, cursor.state().watermark(), stopRequested)) {
                        read(pages);
                    }
                    commitAll(); // the delta round's floor comes from what the backfill committed
                }
                if (cursor.state().phase() == CursorState.Phase.DELTA && !stopRequested.getAsBoolean()) {
                    try (PageSource pages = PageSource.delta(mailbox, cursor.state().deltaLink(), stopRequested,
                            this::newRound)) {
                        read(pages);
                    }
                }
                commitAll();
            } catch (IOException | RuntimeException e) {
                keepWhatWasConfirmed(e);
                throw e;
            }
        }

        /** For each page: publish its new envelopes, mark its end, commit. */
        private void read(PageSource pages) throws IOException, InterruptedException {
            Queued page = queue(pages.first(), pages.delta());
            while (page != null) {
                Queued following = publish(page, pages);
                mark(page.page(), pages.delta());
                commit();
                if (!pages.delta()) {
                    progress.report();
                }
                page = following != null ? following : queue(pages.resume(), pages.delta());
            }
        }

        /**
         * Publishes the page's new envelopes in order. The following page is taken, and its items join the
         * read-ahead, before this page's run dry, so that the workers never idle; returns it (null when there is
         * none now, see {@link PageSource#take}).
         */
        private Queued publish(Queued page, PageSource pages) throws IOException, InterruptedException {
            Queued following = null;
            boolean taken = false;
            for (int i = 0; i < page.count(); i++) {
                if (!taken && reader.size() <= READ_AHEAD) {
                    following = queue(pages.take(), pages.delta());
                    taken = true;
                }
                publishEnvelope(reader.next());
            }
            return taken ? following : queue(pages.take(), pages.delta());
        }

        /** Hands the page's new items to the read-ahead: not seen lately, and in a delta round not removed or old. */
        private Queued queue(Mailbox.Page page, boolean delta) {
            if (page == null) {
                return null;
            }
            Set<String> seen = new HashSet<>(cursor.state().recentIds());
            Instant floor = delta ? cursor.state().floor() : null;
            int count = 0;
            for (Mailbox.Item item : page.items()) {
                if (seen.contains(item.id()) || (delta && (item.removed()
                        || (floor != null && item.receivedAt() != null && item.receivedAt().isBefore(floor))))) {
                    continue;
                }
                reader.add(item);
                count++;
            }
            return new Queued(page, count);
        }

        /** Publishes one envelope, once fewer than {@link #MAX_UNCONFIRMED} are unconfirmed. */
        private void publishEnvelope(EnvelopeReadahead.Ready<EnvelopeSize.Fitted> ready)
                throws IOException, InterruptedException {
            if (ready.value().isEmpty()) {
                return; // gone since it was listed
            }
            EnvelopeSize.Fitted fitted = ready.value().get();
            Envelope e = fitted.envelope();
            inFlight.awaitUnconfirmedAtMost(MAX_UNCONFIRMED - 1, confirmTimeout);
            inFlight.track(new MessageDone(ready.item().id(), e.receivedAt()), publisher.publish(fitted)
                    .thenRun(() -> log.info("published envelope {} (received {}, {} attachments, {} skipped)",
                            e.envelopeId(), e.receivedAt(), e.attachments().size(), e.skippedAttachments().size())));
            metrics.envelopeRead(e);
            published++;
        }

        /** What a page's end tells the cursor: the backfill's end, or where the delta round resumes. */
        private void mark(Mailbox.Page page, boolean delta) throws IOException {
            if (!delta) {
                if (page.nextLink() == null) {
                    inFlight.mark(new BackfillDone());
                }
                return;
            }
            boolean end = page.nextLink() == null;
            String link = end ? page.deltaLink() : page.nextLink();
            if (link == null) {
                throw new IOException("Graph's delta page has neither a next link nor a delta link");
            }
            inFlight.mark(new PageDone(link, end));
        }

        /** Moves the cursor past what the broker confirmed so far; writes it when due. A failed publish stops here. */
        private void commit() throws IOException, InterruptedException {
            inFlight.awaitUnconfirmedAtMost(MAX_UNCONFIRMED, confirmTimeout);
            metrics.published(cursor.fold(inFlight.committable()));
            cursor.writeIfDue();
        }

        /** Waits for every confirm, moves the cursor past all of it and writes it. */
        private void commitAll() throws IOException, InterruptedException {
            inFlight.awaitUnconfirmedAtMost(0, confirmTimeout);
            metrics.published(cursor.fold(inFlight.committable()));
            cursor.write();
        }

        /** The delta link was rejected: everything published so far is committed, then the round starts over. */
        private void newRound(Mailbox.DeltaExpiredException rejected) throws IOException, InterruptedException {
            commitAll();
            log.warn("{}: resynchronising from {} minus {}", rejected.getMessage(), cursor.state().watermark(),
                    overlap);
            cursor.restartRound();
        }

        /** After a failure: keep what the broker confirmed before it, so the next cycle resumes there. */
        private void keepWhatWasConfirmed(Exception failure) {
            try {
                inFlight.drain(confirmTimeout);
                metrics.published(cursor.fold(inFlight.committable()));
                cursor.write();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.addSuppressed(e);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }

        /** Reports a long backfill's progress every {@link #PROGRESS_INTERVAL}. */
        private final class Progress {
            private Instant nextReport = clock.instant().plus(PROGRESS_INTERVAL);
            private OptionalLong total; // asked for only once a backfill takes long enough to report

            void report() {
                if (clock.instant().isBefore(nextReport)) {
                    return;
                }
                nextReport = clock.instant().plus(PROGRESS_INTERVAL);
                if (total == null) {
                    total = mailbox.totalItems();
                }
                log.info("backfill in progress: {} e-mail(s) published this cycle{}, now at {}", published,
                        total.isPresent() ? " (the folder holds " + total.getAsLong() + ")" : "",
                        cursor.state().watermark());
            }
        }
    }
}
