package io.emailintel.fetcher.eml;

import com.rabbitmq.client.Connection;
import io.emailintel.fetcher.publish.EnvelopePublisher;
import io.emailintel.fetcher.publish.EnvelopeSize;
import io.emailintel.fetcher.publish.InFlight;
import io.emailintel.fetcher.publish.NotConfirmedException;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.SkippedAttachment;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a directory of .eml/mbox files: every message not sent before becomes an envelope, published
 * with confirms; the cursor remembers a message only once the broker confirmed it. A file that is not a MIME
 * message at all goes to the dead-letter queue as it is, with the reason, so it is visible and never retried
 * in a loop; it too counts as sent only once the broker confirmed it and did not return it.
 */
public final class EmlCycle {

    private static final Logger log = LoggerFactory.getLogger(EmlCycle.class);

    /** Confirms are awaited, and the cursor committed, after this many messages. */
    private static final int BATCH = 100;

    /** What a pass did, for the operator (and the demo's summary). */
    public record Outcome(String cycleId, int read, int published, int alreadySent, int malformed,
                          int attachmentsKept, Map<String, Integer> attachmentsSkipped, int filtered) {

        public String summary() {
            StringBuilder s = new StringBuilder();
            s.append(read).append(" e-mail(s) read, ").append(published).append(" published, ")
                    .append(alreadySent).append(" already sent before, ").append(malformed)
                    .append(" unreadable (dead-lettered)");
            if (filtered > 0) {
                s.append(", ").append(filtered).append(" filtered by triage rules");
            }
            s.append("; attachments: ").append(attachmentsKept).append(" kept");
            attachmentsSkipped.forEach((reason, n) -> s.append(", ").append(n).append(" skipped (").append(reason)
                    .append(')'));
            return s.toString();
        }
    }

    private final EmlDirectory directory;
    private final EmlCursorStore store;
    private final EmlEnvelopes envelopes;
    private final MimeMessageReader reader = new MimeMessageReader();
    private final Connection connection;
    private final Topology topology;
    private final Clock clock;
    private final Duration confirmTimeout;
    private final BooleanSupplier stopRequested;
    private final Listener listener;
    /** Keys of unreadable files sent to the dead-letter queue, and of filtered ones: positions, but not envelopes. */
    private final Set<String> deadLettered = new java.util.HashSet<>();

    /** Told what a pass does, for metrics. */
    public interface Listener {
        /** An envelope was handed to the broker. */
        default void read(Envelope envelope) {
        }

        /** The broker confirmed this many envelopes. */
        default void confirmed(int count) {
        }
    }

    public EmlCycle(Path directory, Path stateDir, EmlEnvelopes envelopes, Connection connection, Topology topology,
                    Clock clock, Duration confirmTimeout, BooleanSupplier stopRequested) {
        this(directory, stateDir, envelopes, connection, topology, clock, confirmTimeout, stopRequested,
                new Listener() { });
    }

    /** With a listener told of every envelope handed to the broker and every confirm (metrics). */
    public EmlCycle(Path directory, Path stateDir, EmlEnvelopes envelopes, Connection connection, Topology topology,
                    Clock clock, Duration confirmTimeout, BooleanSupplier stopRequested,
                    Listener listener) {
        this(directory, new EmlCursorStore(stateDir, directory), envelopes, connection, topology, clock, confirmTimeout,
                stopRequested, listener);
    }

    /** As above, with the cursor in {@code store}. */
    public EmlCycle(Path directory, EmlCursorStore store, EmlEnvelopes envelopes, Connection connection,
                    Topology topology, Clock clock, Duration confirmTimeout, BooleanSupplier stopRequested,
                    Listener listener) {
        this.listener = listener;
        this.directory = new EmlDirectory(directory);
        this.store = store;
        this.envelopes = envelopes;
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
        this.confirmTimeout = confirmTimeout;
        this.stopRequested = stopRequested;
    }

    public Outcome run() throws IOException, InterruptedException {
        String cycleId = UUID.randomUUID().toString();
        Set<String> sent = store.load();
        Counts counts = new Counts();
        InFlight<String> inFlight = new InFlight<>();
        log.info("eml cycle {} over {} ({} message(s) sent before)", cycleId, directory.root(), sent.size());
        try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, clock)) {
            for (Path file : directory.files()) {
                if (stopRequested.getAsBoolean()) {
                    break;
                }
                try {
                    directory.read(file, message -> {
                        try {
                            handle(message, cycleId, sent, counts, publisher, inFlight);
                            if (counts.uncommitted >= BATCH) {
                                commit(inFlight, sent);
                                counts.uncommitted = 0;
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new UncheckedIOException(new IOException("interrupted", e));
                        }
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            commit(inFlight, sent);
        }
        Outcome outcome = new Outcome(cycleId, counts.read, counts.published, counts.alreadySent, counts.malformed,
                counts.kept, counts.skipped, counts.filtered);
        log.info("eml cycle {} done: {}", cycleId, outcome.summary());
        return outcome;
    }

    private static final class Counts {
        int read;
        int published;
        int alreadySent;
        int malformed;
        int kept;
        int uncommitted;
        int filtered;
        final Map<String, Integer> skipped = new TreeMap<>();
    }

    private void handle(EmlFile message, String cycleId, Set<String> sent, Counts counts,
                        EnvelopePublisher publisher, InFlight<String> inFlight) throws IOException {
        counts.read++;
        if (sent.contains(message.key())) {
            counts.alreadySent++;
            return;
        }
        ParsedEmail mail;
        try {
            mail = reader.read(message.bytes());
        } catch (MalformedMailException e) {
            inFlight.track(message.key(), deadLetter(publisher, message, e));
            deadLettered.add(message.key());
            counts.malformed++;
            counts.uncommitted++;
            return;
        }
        String messageId = mail.messageId().isBlank()
                ? "sha256:" + EnvelopeAttachment.sha256Hex(message.bytes()) : mail.messageId();
        EnvelopeSource source = new EnvelopeSource(EnvelopeSource.KIND_EML_DIR, directory.root().toString(),
                directory.root().relativize(message.path()).toString(), messageId, mail.messageId());
        Envelope built = envelopes.envelope(mail, source, message.modified(), cycleId, clock.instant());
        // triage: a filtered message is a position (remembered, never re-read) but not an envelope
        if (envelopes.filteredBy(built, source.folder()).isPresent()) {
            deadLettered.add(message.key());
            inFlight.mark(message.key());
            counts.filtered++;
            counts.uncommitted++;
            return;
        }
        EnvelopeSize.Fitted fitted = publisher.encode(built);
        Envelope envelope = fitted.envelope();
        String file = message.key().substring(0, message.key().lastIndexOf(':'));
        inFlight.track(message.key(), publisher.publish(fitted).thenRun(() -> log.info(
                "envelope {} published from {} ({} attachment(s) kept, {} skipped)", envelope.envelopeId(), file,
                envelope.attachments().size(), envelope.skippedAttachments().size())));
        listener.read(envelope);
        counts.published++;
        counts.uncommitted++;
        counts.kept += envelope.attachments().size();
        for (SkippedAttachment s : envelope.skippedAttachments()) {
            counts.skipped.merge(s.reason().name().toLowerCase().replace('_', '-'), 1, Integer::sum);
        }
    }

    /** Waits for every confirm and remembers what the broker took; a failed publish stops the pass after that. */
    private void commit(InFlight<String> inFlight, Set<String> sent) throws IOException, InterruptedException {
        NotConfirmedException failure = null;
        try {
            inFlight.awaitUnconfirmedAtMost(0, confirmTimeout);
        } catch (NotConfirmedException e) {
            inFlight.drain(confirmTimeout);
            failure = e;
        }
        var committable = inFlight.committable();
        sent.addAll(committable);
        listener.confirmed((int) committable.stream().filter(k -> !deadLettered.contains(k)).count());
        store.save(sent, clock.instant());
        if (failure != null) {
            throw new IOException(failure.getMessage() + "; the next run sends it again", failure);
        }
    }

    private CompletableFuture<Void> deadLetter(EnvelopePublisher publisher, EmlFile message, MalformedMailException e)
            throws IOException {
        Map<String, Object> headers = new HashMap<>();
        String now = clock.instant().toString();
        headers.put(Headers.FAILURE_REASON, "malformed-mail");
        headers.put(Headers.EXCEPTION_CLASS, e.getClass().getName());
        headers.put(Headers.EXCEPTION_MESSAGE, String.valueOf(e.getMessage()));
        headers.put(Headers.STAGE, "fetch");
        headers.put(Headers.FIRST_FAILURE_AT, now);
        headers.put(Headers.LAST_FAILURE_AT, now);
        headers.put(Headers.ATTEMPTS, 1);
        return publisher.publishDeadLetter(message.key(), "message/rfc822", headers, message.bytes())
                .thenRun(() -> log.warn("{} is not a readable e-mail ({}): sent to the dead-letter queue",
                        message.path(), e.getMessage()));
    }
}
