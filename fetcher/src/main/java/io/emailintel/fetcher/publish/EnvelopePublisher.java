package io.emailintel.fetcher.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Return;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes envelopes (and the eml source's dead letters) persistent and {@code mandatory} on one confirm channel.
 * Each publish returns its own future: it completes once the broker confirmed the message and did not return it
 * (Spring AMQP's "confirmed and not returned"), and fails with a {@link NotConfirmedException} when the broker
 * returned or nacked it or the channel went down first. The caller decides what a confirm means for its cursor
 * ({@link InFlight}), as a Kafka Connect source task owns its {@code SubmittedRecords} and the producer's callback
 * only acks them.
 *
 * <p>A {@code basic.return} is tied to its publish by the channel's publish sequence number, carried in the
 * {@link #PUBLISH_SEQ} header: the envelope id (the message id) is not unique among unconfirmed publishes (the same
 * Message-ID in two files, a delta round listing one item twice), as Spring's {@code RabbitTemplate} correlates
 * returns by a per-send id rather than a business key.
 */
public final class EnvelopePublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EnvelopePublisher.class);

    /** The publish sequence number of the message on the fetcher's confirm channel (only the fetcher reads it). */
    static final String PUBLISH_SEQ = "x-email-intel-publish-seq";

    private final Channel channel;
    private final Topology topology;
    private final EnvelopeSize size = new EnvelopeSize(new EnvelopeCodec(), EnvelopeSize.MAX_BYTES);
    private final Clock clock;
    private final Consumer<Duration> confirmLatency;
    /** Publishing and taking sequence numbers must not interleave. */
    private final Object publishLock = new Object();
    /** Publishes the broker has not confirmed, returned or nacked yet, by publish sequence number. */
    private final ConcurrentNavigableMap<Long, Unconfirmed> unconfirmed = new ConcurrentSkipListMap<>();

    /** A publish awaiting the broker's answer; {@code what} names it in logs and failures. */
    private record Unconfirmed(String what, long atNanos, CompletableFuture<Void> confirmed) {
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
        channel.addReturnListener(this::returned);
        channel.addConfirmListener((seq, multiple) -> answered(seq, multiple, true),
                (seq, multiple) -> answered(seq, multiple, false));
        channel.addShutdownListener(cause -> {
            // a lost channel never confirms what it held
            List<Unconfirmed> lost = new ArrayList<>(unconfirmed.values());
            unconfirmed.clear();
            lost.forEach(u -> u.confirmed().completeExceptionally(new NotConfirmedException(u.what()
                    + " was not confirmed: the publish channel closed (" + cause.getMessage() + ")")));
        });
    }

    // the broker sends a return before the ack of the same message: the future fails first and the ack finds nothing
    private void returned(Return r) {
        Object seq = r.getProperties().getHeaders() == null ? null : r.getProperties().getHeaders().get(PUBLISH_SEQ);
        Unconfirmed u = seq == null ? null : unconfirmed.remove(Long.parseLong(seq.toString()));
        log.warn("broker returned {}: {} {}", u == null ? "message " + r.getProperties().getMessageId() : u.what(),
                r.getReplyCode(), r.getReplyText());
        if (u != null) {
            u.confirmed().completeExceptionally(new NotConfirmedException(u.what() + " was returned by the broker: "
                    + r.getReplyCode() + " " + r.getReplyText() + " (no queue bound to " + r.getExchange() + "/"
                    + r.getRoutingKey() + ")"));
        }
    }

    private void answered(long seq, boolean multiple, boolean ack) {
        ConcurrentNavigableMap<Long, Unconfirmed> range = multiple ? unconfirmed.headMap(seq, true)
                : unconfirmed.subMap(seq, true, seq, true);
        List<Unconfirmed> done = new ArrayList<>(range.values());
        range.clear();
        long now = System.nanoTime();
        for (Unconfirmed u : done) {
            if (ack) {
                confirmLatency.accept(Duration.ofNanos(now - u.atNanos()));
                u.confirmed().complete(null);
            } else {
                u.confirmed().completeExceptionally(new NotConfirmedException(u.what() + " was refused by the "
                        + "broker (nack)"));
            }
        }
    }

    /** Encodes an envelope, reduced below the broker's message size limit ({@link EnvelopeSize}); any thread. */
    public EnvelopeSize.Fitted encode(Envelope envelope) {
        return size.fitted(envelope);
    }

    /**
     * Publishes an envelope encoded by {@link #encode} to the work queue; one thread publishes.
     *
     * @return completes once the broker confirmed it and did not return it
     * @throws IOException when the channel refused the publish (then nothing was sent)
     */
    public CompletableFuture<Void> publish(EnvelopeSize.Fitted fitted) throws IOException {
        Envelope envelope = fitted.envelope();
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.PUBLISHED_AT, clock.instant().toString());
        headers.put(Headers.RECEIVED_AT, envelope.receivedAt().toString());
        headers.put(Headers.FETCH_CYCLE, envelope.fetchCycleId());
        headers.put(Headers.SCHEMA_VERSION, envelope.schemaVersion());
        AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder()
                .messageId(envelope.envelopeId())
                .contentType("application/json")
                .contentEncoding("utf-8")
                .timestamp(Date.from(clock.instant()));
        return send(Topology.ROUTING_WORK, props, headers, fitted.json(), "envelope " + envelope.envelopeId());
    }

    /**
     * Publishes a message that could not become an envelope to the dead-letter queue, with its failure headers.
     *
     * @return completes once the broker confirmed it and did not return it
     */
    public CompletableFuture<Void> publishDeadLetter(String messageId, String contentType, Map<String, Object> headers,
                                                     byte[] body) throws IOException {
        AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder().messageId(messageId)
                .contentType(contentType);
        return send(Topology.ROUTING_DEAD, props, new HashMap<>(headers), body, "dead letter " + messageId);
    }

    private CompletableFuture<Void> send(String routingKey, AMQP.BasicProperties.Builder props,
                                         Map<String, Object> headers, byte[] body, String what) throws IOException {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        synchronized (publishLock) {
            long seq = channel.getNextPublishSeqNo();
            headers.put(PUBLISH_SEQ, seq);
            unconfirmed.put(seq, new Unconfirmed(what, System.nanoTime(), confirmed));
            try {
                channel.basicPublish(topology.exchange(), routingKey, true,
                        props.deliveryMode(2).headers(headers).build(), body);
            } catch (IOException | RuntimeException e) {
                // amqp-client reports a closed channel as an unchecked ShutdownSignalException
                unconfirmed.remove(seq);
                throw e instanceof IOException io ? io : new IOException("cannot publish " + what, e);
            }
        }
        return confirmed;
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
