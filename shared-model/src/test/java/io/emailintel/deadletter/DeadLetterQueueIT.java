package io.emailintel.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.GetResponse;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitBrokerExtension.class)
class DeadLetterQueueIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final String[] REASONS = {"opencti-rejected", "invalid-json", "max-attempts"};

    private final EnvelopeCodec codec = new EnvelopeCodec();

    /** Dead-letters {@code n} envelopes, reason by index modulo 3, and returns their ids in queue order. */
    private List<String> deadLetter(TestBroker broker, Topology topology, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < n; i++) {
                var envelope = EnvelopeFixtures.advisory("msg-" + i);
                Map<String, Object> headers = new HashMap<>();
                headers.put(Headers.FAILURE_REASON, REASONS[i % 3]);
                headers.put(Headers.ATTEMPTS, 5);
                headers.put(Headers.LAST_FAILURE_AT, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i).toString());
                headers.put(Headers.EXCEPTION_MESSAGE, "failure " + i);
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(envelope.envelopeId())
                        .contentType("application/json").deliveryMode(2).headers(headers).build();
                ch.basicPublish(topology.exchange(), Topology.ROUTING_DEAD, true, props, codec.encode(envelope));
                ids.add(envelope.envelopeId());
            }
            ch.waitForConfirmsOrDie(10_000);
        }
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == n);
        return ids;
    }

    private static List<String> drain(Channel ch, String queue) throws Exception {
        List<String> ids = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) {
            ids.add(r.getProps().getMessageId());
        }
        return ids;
    }

    @Test
    void listingShowsEveryDeadLetterAndMovesReordersOrLosesNothing(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("list"), List.of(Duration.ofSeconds(10)));
        List<String> ids = deadLetter(broker, topology, 60);
        DeadLetterQueue queue = new DeadLetterQueue(broker.connect(), topology, CLOCK);

        List<DeadLetter> all = queue.list(DeadLetterSelector.all(), 1_000, DeadLetterQueue.Progress.NONE);
        assertThat(all).extracting(DeadLetter::envelopeId).containsExactlyElementsOf(ids);
        DeadLetter first = all.get(0);
        assertThat(first.reason()).isEqualTo("opencti-rejected");
        assertThat(first.attempts()).isEqualTo(5);
        assertThat(first.sender()).isEqualTo("psirt@vendor.example");
        assertThat(first.subject()).startsWith("Vendor advisory");
        assertThat(first.receivedAt()).isEqualTo(Instant.parse("2025-05-09T10:11:12Z"));
        assertThat(first.headers()).containsEntry(Headers.EXCEPTION_MESSAGE, "failure 0");

        assertThat(queue.list(new DeadLetterSelector(Set.of(), "invalid-json", null, null), 1_000,
                DeadLetterQueue.Progress.NONE)).hasSize(20);
        assertThat(queue.list(new DeadLetterSelector(Set.of(), null, Instant.parse("2026-01-01T00:00:50Z"), null),
                1_000, DeadLetterQueue.Progress.NONE)).hasSize(10);
        assertThat(queue.list(new DeadLetterSelector(Set.of(), null, null, "VENDOR.example"), 5,
                DeadLetterQueue.Progress.NONE)).hasSize(5);

        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 60);
        try (Channel ch = broker.connect().createChannel()) {
            assertThat(drain(ch, topology.deadLetterQueue())).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void replayingOneReasonWhileAConsumerRunsMovesExactlyThoseAndKeepsTheRest(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("replay"), List.of(Duration.ofSeconds(10)));
        List<String> ids = deadLetter(broker, topology, 200);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (i % 3 == 1) {
                expected.add(ids.get(i));
            }
        }
        List<AMQP.BasicProperties> consumed = Collections.synchronizedList(new ArrayList<>());
        Connection consumerConnection = broker.connect();
        Channel consumer = consumerConnection.createChannel();
        DeliverCallback ack = (tag, delivery) -> {
            consumed.add(delivery.getProperties());
            consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        };
        consumer.basicConsume(topology.workQueue(), false, ack, tag -> { });

        DeadLetterQueue queue = new DeadLetterQueue(broker.connect(), topology, CLOCK);
        List<DeadLetter> matched = new ArrayList<>();
        DeadLetterQueue.Outcome outcome = queue.replay(new DeadLetterSelector(Set.of(), "invalid-json", null, null),
                false, matched, DeadLetterQueue.Progress.NONE);

        assertThat(outcome.scanned()).isEqualTo(200);
        assertThat(outcome.moved()).isEqualTo(expected.size());
        assertThat(outcome.failed()).isZero();
        await().until(() -> consumed.size() == expected.size());
        assertThat(consumed).extracting(AMQP.BasicProperties::getMessageId).containsExactlyInAnyOrderElementsOf(expected);
        AMQP.BasicProperties replayed = consumed.get(0);
        assertThat(replayed.getHeaders()).doesNotContainKeys(Headers.ATTEMPTS, Headers.FAILURE_REASON);
        assertThat(replayed.getHeaders().get(Headers.REPLAY_COUNT)).isEqualTo(1);
        assertThat(replayed.getHeaders().get(Headers.REPLAYED_AT).toString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(replayed.getHeaders().get(Headers.REPLAYED_FROM_REASON).toString()).isEqualTo("invalid-json");
        consumer.close();

        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 200 - expected.size());
        try (Channel ch = broker.connect().createChannel()) {
            List<String> rest = drain(ch, topology.deadLetterQueue());
            List<String> expectedRest = new ArrayList<>(ids);
            expectedRest.removeAll(expected);
            assertThat(rest).containsExactlyElementsOf(expectedRest);
        }
    }

    @Test
    void dryRunCountsWithoutMoving(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("dry"), List.of(Duration.ofSeconds(10)));
        deadLetter(broker, topology, 30);
        DeadLetterQueue queue = new DeadLetterQueue(broker.connect(), topology, CLOCK);
        List<DeadLetter> matched = new ArrayList<>();
        DeadLetterQueue.Outcome outcome = queue.replay(DeadLetterSelector.all(), true, matched,
                DeadLetterQueue.Progress.NONE);
        assertThat(outcome.matched()).isEqualTo(30);
        assertThat(outcome.moved()).isZero();
        assertThat(matched).hasSize(30);
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 30);
        assertThat(broker.messageCount(topology.workQueue())).isZero();
    }

    @Test
    void replayInterruptedHalfWayLosesNothing(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("abort"), List.of(Duration.ofSeconds(10)));
        List<String> ids = deadLetter(broker, topology, 100);
        Connection doomed = broker.connect();
        DeadLetterQueue queue = new DeadLetterQueue(doomed, topology, CLOCK);
        assertThatThrownBy(() -> queue.replay(DeadLetterSelector.all(), false, new ArrayList<>(),
                (scanned, total, moved) -> {
                    if (scanned == 40) {
                        doomed.abort(); // as if the process were killed
                    }
                })).isInstanceOf(Exception.class);

        await().until(() -> broker.messageCount(topology.deadLetterQueue())
                + broker.messageCount(topology.workQueue()) >= 100);
        try (Channel ch = broker.connect().createChannel()) {
            List<String> dead = drain(ch, topology.deadLetterQueue());
            List<String> work = drain(ch, topology.workQueue());
            Set<String> everywhere = new HashSet<>(dead);
            everywhere.addAll(work);
            assertThat(everywhere).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(work).hasSizeBetween(39, 40);
            assertThat(dead.size() + work.size()).isBetween(100, 101);
        }
    }

    @Test
    void purgeDeletesOnlyTheSelection(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("purge"), List.of(Duration.ofSeconds(10)));
        List<String> ids = deadLetter(broker, topology, 30);
        DeadLetterQueue queue = new DeadLetterQueue(broker.connect(), topology, CLOCK);
        DeadLetterQueue.Outcome outcome = queue.purge(new DeadLetterSelector(Set.of(ids.get(3), ids.get(7)), null,
                null, null), false, new ArrayList<>(), DeadLetterQueue.Progress.NONE);
        assertThat(outcome.moved()).isEqualTo(2);
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 28);
        try (Channel ch = broker.connect().createChannel()) {
            assertThat(drain(ch, topology.deadLetterQueue())).doesNotContain(ids.get(3), ids.get(7)).hasSize(28);
        }
    }

    @Test
    void messagesThatAreNotOursAreListedWithTheBrokersReason(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("garbage"), List.of(Duration.ofSeconds(10)));
        try (Channel ch = broker.connect().createChannel()) {
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true, null,
                    "\u0000garbage".getBytes(StandardCharsets.UTF_8));
            GetResponse got = await().until(() -> ch.basicGet(topology.workQueue(), false), r -> r != null);
            ch.basicReject(got.getEnvelope().getDeliveryTag(), false);
        }
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 1);
        DeadLetter letter = new DeadLetterQueue(broker.connect(), topology, CLOCK)
                .list(DeadLetterSelector.all(), 10, DeadLetterQueue.Progress.NONE).get(0);
        assertThat(letter.reason()).isEqualTo("rejected");
        assertThat(letter.envelopeId()).isEmpty();
        assertThat(letter.lastFailureAt()).isNotNull();
    }
}
