package io.emailintel.fetcher.imap;

import com.rabbitmq.client.Connection;
import io.emailintel.fetcher.eml.RawMail;
import io.emailintel.fetcher.publish.EnvelopePublisher;
import io.emailintel.fetcher.publish.EnvelopeSize;
import io.emailintel.fetcher.publish.InFlight;
import io.emailintel.fetcher.publish.NotConfirmedException;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over an IMAP folder, read-only: every message with a UID above the cursor's (or, on the first run and
 * after a {@code UIDVALIDITY} change, every message that arrived since the floor) is fetched with
 * {@code BODY.PEEK[]}, read by the .eml path's reader and published with confirms. The cursor moves only past an
 * unbroken run of messages the broker confirmed (a dead-lettered unreadable message counts once its dead letter is
 * confirmed), so a lost connection, a crash or a refused publish replays, never skips.
 */
public final class ImapCycle {

    private static final Logger log = LoggerFactory.getLogger(ImapCycle.class);

    /** Publishing waits while this many envelopes are unconfirmed (as the Graph cycle does). */
    static final int MAX_UNCONFIRMED = 512;
    /** How often the cursor file is rewritten while a pass runs (each write is an fsync). */
    static final Duration WRITE_INTERVAL = Duration.ofSeconds(1);

    /** What a pass did. */
    public record Outcome(String cycleId, long uidValidity, long lastUid, int listed, int published,
                          int duplicates, int malformed) {

        public String summary() {
            return listed + " new message(s) listed, " + published + " published, " + duplicates
                    + " already sent (same Message-ID), " + malformed + " unreadable (dead-lettered); cursor at UID "
                    + lastUid + " of UIDVALIDITY " + uidValidity;
        }
    }

    /** Told what a pass does, for metrics. */
    public interface Listener {
        default void read(Envelope envelope) {
        }

        default void confirmed(int count) {
        }

        default void confirmLatency(Duration latency) {
        }
    }

    /**
     * A message done with: its UID, arrival time, Message-ID (null when it has none or was not published), and
     * whether an envelope was published for it (not for a dead letter or a duplicate).
     */
    private record Done(long uid, Instant arrived, String messageId, boolean envelope) {
    }

    private final ImapAccount account;
    private final ImapCursorStore store;
    private final RawMail mail;
    private final Connection connection;
    private final Topology topology;
    private final Clock clock;
    private final Duration lookBack;
    private final Duration overlap;
    private final Duration confirmTimeout;
    private final BooleanSupplier stopRequested;
    private final Listener listener;

    public ImapCycle(ImapAccount account, ImapCursorStore store, RawMail mail, Connection connection, Topology topology,
                     Clock clock, Duration lookBack, Duration overlap, Duration confirmTimeout,
                     BooleanSupplier stopRequested, Listener listener) {
        this.account = account;
        this.store = store;
        this.mail = mail;
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
        this.lookBack = lookBack;
        this.overlap = overlap;
        this.confirmTimeout = confirmTimeout;
        this.stopRequested = stopRequested;
        this.listener = listener;
    }

    public Outcome run() throws IOException, InterruptedException {
        String cycleId = UUID.randomUUID().toString();
        Optional<ImapCursor> loaded = store.load();
        try (ImapConnection imap = ImapConnection.open(account);
             EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, clock,
                     listener::confirmLatency)) {
            long validity;
            long uidNext;
            List<ImapConnection.Listed> listed;
            ImapCursor cursor;
            try {
                validity = imap.uidValidity();
                uidNext = imap.uidNext();
                cursor = start(loaded, validity);
                listed = cursor.floor() != null ? imap.arrivedSince(cursor.floor(), cursor.lastUid())
                        : imap.after(cursor.lastUid());
            } catch (MessagingException e) {
                throw new IOException("IMAP " + account + ": listing failed: " + ImapConnection.describe(e), e);
            }
            log.info("imap cycle {}: {} message(s) to read in {} (UIDVALIDITY {}, after UID {}{})", cycleId,
                    listed.size(), account, validity, cursor.lastUid(),
                    cursor.floor() == null ? "" : ", arrived since " + cursor.floor());
            return new Pass(cycleId, imap, publisher, cursor, uidNext).run(listed);
        }
    }

    /** The cursor this pass starts from: as stored, or a read by date on the first run or a new UIDVALIDITY. */
    private ImapCursor start(Optional<ImapCursor> loaded, long validity) {
        Instant now = clock.instant();
        Instant lookBackFloor = now.minus(lookBack);
        if (loaded.isEmpty()) {
            return new ImapCursor(validity, 0, lookBackFloor, null, List.of(), now);
        }
        ImapCursor stored = loaded.get();
        if (stored.uidValidity() == validity) {
            return stored;
        }
        // RFC 9051 §2.3.1.1: a new UIDVALIDITY means the stored UIDs name other messages, or none. Read again what
        // arrived since the newest message sent minus the overlap, never further back than the look-back period.
        Instant floor = stored.newest() == null ? lookBackFloor : stored.newest().minus(overlap);
        floor = floor.isBefore(lookBackFloor) ? lookBackFloor : floor;
        log.warn("IMAP folder {} has a new UIDVALIDITY ({} instead of {}): reading again what arrived since {}, "
                + "Message-IDs already sent suppressed", account.folder(), validity, stored.uidValidity(), floor);
        ImapCursor reread = stored.reread(validity, floor);
        store.save(reread.at(now));
        return reread;
    }

    /** The state of one pass. */
    private final class Pass {
        final String cycleId;
        final ImapConnection imap;
        final EnvelopePublisher publisher;
        final long uidNext;
        final InFlight<Done> inFlight = new InFlight<>();
        final Set<String> suppressed;
        ImapCursor cursor;
        Instant nextWrite;
        boolean dirty;
        int published;
        int duplicates;
        int malformed;

        Pass(String cycleId, ImapConnection imap, EnvelopePublisher publisher, ImapCursor cursor, long uidNext) {
            this.cycleId = cycleId;
            this.imap = imap;
            this.publisher = publisher;
            this.cursor = cursor;
            this.uidNext = uidNext;
            this.suppressed = cursor.floor() == null ? Set.of() : new HashSet<>(cursor.recentIds());
            this.nextWrite = clock.instant().plus(WRITE_INTERVAL);
        }

        Outcome run(List<ImapConnection.Listed> listed) throws IOException, InterruptedException {
            IOException failure = null;
            int done = 0;
            for (ImapConnection.Listed message : listed) {
                if (stopRequested.getAsBoolean()) {
                    break;
                }
                try {
                    inFlight.awaitUnconfirmedAtMost(MAX_UNCONFIRMED, confirmTimeout);
                    send(message);
                    done++;
                } catch (NotConfirmedException e) {
                    failure = new IOException(e.getMessage(), e);
                    break;
                } catch (MessagingException | IOException e) {
                    failure = new IOException("IMAP " + account + ": lost at UID " + message.uid() + " ("
                            + ImapConnection.describe(e) + "); the next cycle resumes after the last confirmed UID", e);
                    break;
                }
                commit(false);
            }
            if (failure == null) {
                try {
                    inFlight.awaitUnconfirmedAtMost(0, confirmTimeout);
                } catch (NotConfirmedException e) {
                    failure = new IOException(e.getMessage(), e);
                }
            }
            if (failure != null) {
                inFlight.drain(confirmTimeout);
            }
            commit(false);
            boolean complete = failure == null && done == listed.size() && inFlight.unconfirmed() == 0;
            if (complete && cursor.floor() != null) {
                // every message since the floor is sent: from now on each UID above the folder's UIDNEXT at
                // listing time is new mail (those below it arrived before the floor)
                cursor = cursor.sent(uidNext - 1, null, List.of()).caughtUp();
                dirty = true;
            }
            commit(true);
            Outcome outcome = new Outcome(cycleId, cursor.uidValidity(), cursor.lastUid(), listed.size(), published,
                    duplicates, malformed);
            if (failure != null) {
                throw failure;
            }
            log.info("imap cycle {} done: {}", cycleId, outcome.summary());
            return outcome;
        }

        private void send(ImapConnection.Listed message) throws MessagingException, IOException {
            ImapConnection.Raw raw = imap.fetch(message);
            Instant arrived = raw.internalDate() != null ? raw.internalDate() : clock.instant();
            RawMail.Outcome read = mail.read(raw.bytes(), EnvelopeSource.KIND_IMAP, account.mailbox(),
                    account.folder(), arrived, cycleId, clock.instant());
            if (read instanceof RawMail.Unreadable u) {
                inFlight.track(new Done(raw.uid(), arrived, null, false), deadLetter(raw, u));
                malformed++;
                return;
            }
            RawMail.Readable r = (RawMail.Readable) read;
            String messageId = r.internetMessageId();
            if (!messageId.isEmpty() && suppressed.contains(messageId)) {
                inFlight.mark(new Done(raw.uid(), arrived, null, false));
                duplicates++;
                return;
            }
            EnvelopeSize.Fitted fitted = publisher.encode(r.envelope());
            Envelope envelope = fitted.envelope();
            inFlight.track(new Done(raw.uid(), arrived, messageId.isEmpty() ? null : messageId, true),
                    publisher.publish(fitted).thenRun(() -> log.info(
                            "envelope {} published from IMAP UID {} ({} attachment(s) kept, {} skipped)",
                            envelope.envelopeId(), raw.uid(), envelope.attachments().size(),
                            envelope.skippedAttachments().size())));
            listener.read(envelope);
            published++;
        }

        private CompletableFuture<Void> deadLetter(ImapConnection.Raw raw, RawMail.Unreadable u) throws IOException {
            Map<String, Object> headers = new HashMap<>();
            String now = clock.instant().toString();
            headers.put(Headers.FAILURE_REASON, "malformed-mail");
            headers.put(Headers.EXCEPTION_CLASS, u.exceptionClass());
            headers.put(Headers.EXCEPTION_MESSAGE, u.reason());
            headers.put(Headers.STAGE, "fetch");
            headers.put(Headers.FIRST_FAILURE_AT, now);
            headers.put(Headers.LAST_FAILURE_AT, now);
            headers.put(Headers.ATTEMPTS, 1);
            String id = "imap:" + account.mailbox() + "/" + account.folder() + "/" + cursor.uidValidity() + "/"
                    + raw.uid();
            return publisher.publishDeadLetter(id, "message/rfc822", headers, raw.bytes())
                    .thenRun(() -> log.warn("IMAP UID {} is not a readable e-mail ({}): sent to the dead-letter queue",
                            raw.uid(), u.reason()));
        }

        /** Folds the confirmed run into the cursor; writes it when {@code force} or once the interval passed. */
        private void commit(boolean force) {
            List<Done> run = inFlight.committable();
            if (!run.isEmpty()) {
                List<String> ids = new ArrayList<>();
                Instant newest = null;
                int confirmed = 0;
                for (Done d : run) {
                    if (d.messageId() != null) {
                        ids.add(d.messageId());
                    }
                    confirmed += d.envelope() ? 1 : 0;
                    newest = newest == null || d.arrived() != null && d.arrived().isAfter(newest) ? d.arrived() : newest;
                }
                cursor = cursor.sent(run.get(run.size() - 1).uid(), newest, ids);
                listener.confirmed(confirmed);
                dirty = true;
            }
            Instant now = clock.instant();
            if (dirty && (force || !now.isBefore(nextWrite))) {
                cursor = cursor.at(now);
                store.save(cursor);
                dirty = false;
                nextWrite = now.plus(WRITE_INTERVAL);
            }
        }
    }
}
