package io.emailintel.fetcher.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes envelopes persistent and {@code mandatory} with asynchronous publisher confirms. An envelope counts
 * only when the broker confirmed it and did not return it (Spring AMQP's "confirmed and not returned"); the
 * {@link InFlight} it feeds decides how far the cursor may move.
 *
 * @param <P> the cursor position each envelope stands for
 */
public final class EnvelopePublisher<P> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EnvelopePublisher.class);

    private final Channel channel;
    private final Topology topology;
    private final EnvelopeSize size = new EnvelopeSize(new EnvelopeCodec(), EnvelopeSize.MAX_BYTES);
    private final Clock clock;
    private final Object lock = new Object();
    private final InFlight<P> inFlight = new InFlight<>();
    private final ConcurrentSkipListMap<Long, Sent<P>> bySeqNo = new ConcurrentSkipListMap<>();
    private final Map<String, InFlight.Submitted<P>> byEnvelopeId = new HashMap<>();
    private final Consumer<Duration> confirmLatency;

    /** A published envelope awaiting its confirm. */
    private record Sent<P>(InFlight.Submitted<P> submitted, String envelopeId, long atNanos) {
    }

    public EnvelopePublisher(Connection connection, Topology topology, Clock clock) throws IOException {
        this(connection, topology, clock, d -> { });
    }

    /** As above, reporting how long each confirm took. */
    public EnvelopePublisher(Connection connection, Topology topology, Clock clock, Consumer<Duration> confirmLatency)
            throws IOException {
        this.confirmLatency = confirmLatency;
        this.topology = topology;
        this.clock = clock;
        this.channel = connection.createChannel();
        channel.confirmSelect();
        channel.addReturnListener(r -> {
            String id = r.getProperties().getMessageId();
            log.warn("broker returned envelope {}: {} {}", id, r.getReplyCode(), r.getReplyText());
            synchronized (lock) {
                InFlight.Submitted<P> s = byEnvelopeId.get(id);
                if (s != null) {
                    inFlight.fail(s);
                }
                lock.notifyAll();
            }
        });
        channel.addConfirmListener((seq, multiple) -> settle(seq, multiple, true),
                (seq, multiple) -> settle(seq, multiple, false));
        channel.addShutdownListener(cause -> {
            // a lost channel never confirms what it held: fail it so the cycle stops waiting
            synchronized (lock) {
                bySeqNo.values().forEach(sent -> inFlight.fail(sent.submitted()));
                bySeqNo.clear();
                lock.notifyAll();
            }
        });
    }

    private void settle(long seq, boolean multiple, boolean ack) {
        synchronized (lock) {
            Map<Long, Sent<P>> settled = multiple ? bySeqNo.headMap(seq, true) : bySeqNo.subMap(seq, true, seq, true);
            long now = System.nanoTime();
            for (Sent<P> sent : settled.values()) {
                if (ack) {
                    confirmLatency.accept(Duration.ofNanos(now - sent.atNanos()));
                    inFlight.confirm(sent.submitted());
                } else {
                    inFlight.fail(sent.submitted());
                }
                // a return arrives before the confirm of the same message, so the id is needed no longer
                byEnvelopeId.remove(sent.envelopeId());
            }
            settled.clear();
            lock.notifyAll();
        }
    }

    /**
     * Publishes one envelope; its position becomes committable once the broker confirms it. An envelope over
     * the broker's message size limit is reduced first ({@link EnvelopeSize}).
     *
     * @return the envelope as published
     */
    public Envelope publish(Envelope original, P position) throws IOException {
        return publish(size.fitted(original), position);
    }

    /** Encodes an envelope as {@link #publish(Envelope, Object)} would; any thread may call it. */
    public EnvelopeSize.Fitted encode(Envelope envelope) {
        return size.fitted(envelope);
    }

    /** Publishes an envelope encoded by {@link #encode}; one thread publishes. */
    public Envelope publish(EnvelopeSize.Fitted fitted, P position) throws IOException {
        Envelope envelope = fitted.envelope();
        byte[] body = fitted.json();
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.PUBLISHED_AT, clock.instant().toString());
        headers.put(Headers.RECEIVED_AT, envelope.receivedAt().toString());
        headers.put(Headers.FETCH_CYCLE, envelope.fetchCycleId());
        headers.put(Headers.SCHEMA_VERSION, envelope.schemaVersion());
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .messageId(envelope.envelopeId())
                .contentType("application/json")
                .contentEncoding("utf-8")
                .deliveryMode(2)
                .timestamp(java.util.Date.from(clock.instant()))
                .headers(headers)
                .build();
        InFlight.Submitted<P> s;
        long seq;
        synchronized (lock) {
            s = inFlight.submit(position);
            byEnvelopeId.put(envelope.envelopeId(), s);
            seq = channel.getNextPublishSeqNo();
            bySeqNo.put(seq, new Sent<>(s, envelope.envelopeId(), System.nanoTime()));
        }
        // not under the lock: writing a large body must not hold up the confirms the connection thread delivers
        try {
            channel.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true, props, body);
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                bySeqNo.remove(seq);
                byEnvelopeId.remove(envelope.envelopeId());
                inFlight.fail(s);
            }
            throw e instanceof IOException io ? io : new IOException(e);
        }
        return envelope;
    }

    /** Marks a position that needs no confirm (the end of a page), committable after everything before it. */
    public void mark(P position) {
        synchronized (lock) {
            inFlight.submitSettled(position);
        }
    }

    /**
     * Waits until every published envelope is confirmed, returned or refused, at most {@code timeout}.
     *
     * @return true when nothing is pending any more
     */
    public boolean awaitSettled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (inFlight.pending() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /**
     * Waits until at most {@code count} published envelopes await their confirm, at most {@code timeout}: a bound
     * on how far publishing runs ahead of the broker.
     *
     * @return true when no more than {@code count} are pending
     */
    public boolean awaitPendingAtMost(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (inFlight.pending() > count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Envelopes published and not yet confirmed, returned or refused. */
    public int pending() {
        synchronized (lock) {
            return inFlight.pending();
        }
    }

    /** Takes the positions the cursor may move past now, oldest first. */
    public List<P> committable() {
        synchronized (lock) {
            return inFlight.committable();
        }
    }

    /** True when an envelope was returned, refused or lost: the cycle must stop and retry later. */
    public boolean failed() {
        synchronized (lock) {
            return inFlight.anyFailed();
        }
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("closing the publish channel: {}", e.toString());
        }
    }
}
