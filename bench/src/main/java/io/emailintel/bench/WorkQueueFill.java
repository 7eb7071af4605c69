package io.emailintel.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Pre-fills a pipeline's work queue the way the fetcher publishes: through the pipeline exchange, persistent,
 * {@code mandatory}, with publisher confirms, with the fetcher's headers except the publish time (a queue
 * filled ahead of the ingesters says nothing about latency).
 */
final class WorkQueueFill {

    private static final int CONFIRM_BATCH = 128;
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    private WorkQueueFill() {
    }

    /** Publishes envelopes {@code 0..count-1}; returns once the broker confirmed every one. */
    static void publish(Connection connection, Topology topology, int count, IntFunction<Envelope> envelopes)
            throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.confirmSelect();
            AtomicInteger returned = new AtomicInteger();
            ch.addReturnListener(r -> returned.incrementAndGet());
            for (int i = 0; i < count; i++) {
                Envelope e = envelopes.apply(i);
                Map<String, Object> headers = new HashMap<>();
                headers.put(Headers.RECEIVED_AT, e.receivedAt().toString());
                headers.put(Headers.FETCH_CYCLE, e.fetchCycleId());
                headers.put(Headers.SCHEMA_VERSION, e.schemaVersion());
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(e.envelopeId())
                        .contentType("application/json").contentEncoding("utf-8").deliveryMode(2)
                        .headers(headers).build();
                ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true, props, CODEC.encode(e));
                if ((i + 1) % CONFIRM_BATCH == 0) {
                    ch.waitForConfirmsOrDie(60_000);
                }
            }
            ch.waitForConfirmsOrDie(60_000);
            if (returned.get() > 0) {
                throw new IllegalStateException(returned.get() + " envelope(s) returned unroutable by "
                        + topology.exchange());
            }
        }
    }
}
