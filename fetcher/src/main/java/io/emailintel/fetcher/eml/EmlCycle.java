package io.emailintel.fetcher.eml;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.fetcher.publish.EnvelopePublisher;
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
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a directory of .eml/mbox files: every message not sent before becomes an envelope, published
 * with confirms; the cursor remembers a message only once the broker confirmed it. A file that is not a MIME
 * message at all goes to the dead-letter queue as it is, with the reason, so it is visible and never retried
 * in a loop.
 */
public final class EmlCycle {

    private static final Logger log = LoggerFactory.getLogger(EmlCycle.class);

    /** Confirms are awaited, and the cursor saved, after this many messages. */
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
        this.listener = listener;
        this.directory = new EmlDirectory(directory);
        this.store = new EmlCursorStore(stateDir, directory);
        this.envelopes = envelopes;
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
        this.confirmTimeout = confirmTimeout;
        this.stopRequested = stopRequested;
    }

    public Outcome run() throws IOException, InterruptedException {
        try {
            return pass();
        } catch (TimeoutException e) {
            throw new IOException("closing the dead-letter channel timed out", e);
        }
    }

    private Outcome pass() throws IOException, InterruptedException, TimeoutException {
        String cycleId = UUID.randomUUID().toString();
        Set<String> sent = store.load();
        Counts counts = new Counts();
        log.info("eml cycle {} over {} ({} message(s) sent before)", cycleId, directory.root(), sent.size());
        try (EnvelopePublisher<String> publisher = new EnvelopePublisher<>(connection, topology, clock);
             Channel deadLetters = connection.createChannel()) {
            deadLetters.confirmSelect();
            for (Path file : directory.files()) {
                if (stopRequested.getAsBoolean()) {
                    break;
                }
                try {
                    directory.read(file, message -> {
                        try {
                            handle(message, cycleId, sent, counts, publisher, deadLetters);
                            if (counts.pending >= BATCH) {
                                settle(publisher, sent);
                                counts.pending = 0;
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
            settle(publisher, sent);
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
        int pending;
        int filtered;
        final Map<String, Integer> skipped = new TreeMap<>();
    }

    private void handle(EmlFile message, String cycleId, Set<String> sent, Counts counts,
                        EnvelopePublisher<String> publisher, Channel deadLetters)
            throws IOException, InterruptedException {
        counts.read++;
        if (sent.contains(message.key())) {
            counts.alreadySent++;
            return;
        }
        ParsedEmail mail;
        try {
            mail = reader.read(message.bytes());
        } catch (MalformedMailException e) {
            deadLetter(deadLetters, message, e);
            deadLettered.add(message.key());
            counts.malformed++;
            publisher.mark(message.key());
            counts.pending++;
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
            publisher.mark(message.key());
            counts.filtered++;
            counts.pending++;
            return;
        }
        Envelope envelope = publisher.publish(built, message.key());
        listener.read(envelope);
        counts.published++;
        counts.pending++;
        counts.kept += envelope.attachments().size();
        for (SkippedAttachment s : envelope.skippedAttachments()) {
            counts.skipped.merge(s.reason().name().toLowerCase().replace('_', '-'), 1, Integer::sum);
        }
        log.info("envelope {} published from {} ({} attachment(s) kept, {} skipped)", envelope.envelopeId(),
                message.key().substring(0, message.key().lastIndexOf(':')), envelope.attachments().size(),
                envelope.skippedAttachments().size());
    }

    private void settle(EnvelopePublisher<String> publisher, Set<String> sent) throws IOException,
            InterruptedException {
        boolean settled = publisher.awaitSettled(confirmTimeout);
        var committable = publisher.committable();
        sent.addAll(committable);
        listener.confirmed((int) committable.stream().filter(k -> !deadLettered.contains(k)).count());
        store.save(sent, clock.instant());
        if (!settled || publisher.failed()) {
            throw new IOException("the broker did not confirm every envelope; the cursor stays before the first "
                    + "unconfirmed one and the next run sends it again");
        }
    }

    private void deadLetter(Channel ch, EmlFile message, MalformedMailException e) throws IOException,
            InterruptedException {
        Map<String, Object> headers = new HashMap<>();
        String now = clock.instant().toString();
        headers.put(Headers.FAILURE_REASON, "malformed-mail");
        headers.put(Headers.EXCEPTION_CLASS, e.getClass().getName());
        headers.put(Headers.EXCEPTION_MESSAGE, String.valueOf(e.getMessage()));
        headers.put(Headers.STAGE, "fetch");
        headers.put(Headers.FIRST_FAILURE_AT, now);
        headers.put(Headers.LAST_FAILURE_AT, now);
        headers.put(Headers.ATTEMPTS, 1);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(message.key())
                .contentType("message/rfc822").deliveryMode(2).headers(headers).build();
        ch.basicPublish(topology.exchange(), Topology.ROUTING_DEAD, true, props, message.bytes());
        try {
            ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
        } catch (TimeoutException te) {
            throw new IOException("the broker did not confirm the dead letter for " + message.key(), te);
        }
        log.warn("{} is not a readable e-mail ({}): sent to the dead-letter queue", message.path(), e.getMessage());
    }
}
