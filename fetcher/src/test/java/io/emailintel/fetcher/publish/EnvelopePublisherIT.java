package io.emailintel.fetcher.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publisher against the real local RabbitMQ. */
@ExtendWith(RabbitBrokerExtension.class)
class EnvelopePublisherIT {

    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(10));

    private static void unbindWorkQueue(Connection connection, Topology topology) throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.queueUnbind(topology.workQueue(), topology.exchange(), Topology.ROUTING_WORK); // mandatory → returned
        }
    }

    @Test
    void twoPublishesOfOneEnvelopeBothReturnedFailBothPositions(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("twice"), DELAYS);
        Connection connection = broker.connect();
        unbindWorkQueue(connection, topology);
        InFlight<String> inFlight = new InFlight<>();
        // the same Message-ID in two files, or a delta round listing one item twice: one envelope id, two sends
        try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, Clock.systemUTC())) {
            EnvelopeSize.Fitted twice = publisher.encode(EnvelopeFixtures.advisory("AAMk-twice"));
            CompletableFuture<Void> first = publisher.publish(twice);
            CompletableFuture<Void> second = publisher.publish(twice);
            inFlight.track("first", first);
            inFlight.track("second", second);

            for (CompletableFuture<Void> confirm : List.of(first, second)) {
                assertThatThrownBy(() -> confirm.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(NotConfirmedException.class).hasMessageContaining("returned");
            }
            assertThat(inFlight.committable()).isEmpty();
            assertThatThrownBy(() -> inFlight.awaitUnconfirmedAtMost(0, Duration.ofSeconds(10)))
                    .isInstanceOf(NotConfirmedException.class);
        }
    }

    @Test
    void aReturnFailsOnlyTheSendItBelongsTo(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("onlyone"), DELAYS);
        Connection connection = broker.connect();
        try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, Clock.systemUTC())) {
            EnvelopeSize.Fitted envelope = publisher.encode(EnvelopeFixtures.advisory("AAMk-same"));
            CompletableFuture<Void> routed = publisher.publish(envelope);
            routed.get(10, TimeUnit.SECONDS);
            unbindWorkQueue(connection, topology);
            CompletableFuture<Void> returned = publisher.publish(envelope);

            assertThatThrownBy(() -> returned.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NotConfirmedException.class);
            assertThat(routed).isCompleted().isNotCompletedExceptionally();
        }
        assertThat(broker.messageCount(topology.workQueue())).isEqualTo(1);
    }

    @Test
    void aPublishTheBrokerRefusesFailsItsSend(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("nack"), DELAYS);
        Connection connection = broker.connect();
        String full = topology.prefix() + ".full";
        broker.deleteQueueAfterwards(full);
        unbindWorkQueue(connection, topology);
        try (Channel ch = connection.createChannel()) {
            // a queue that is full and refuses more: RabbitMQ nacks the publish (rabbitmq.com/docs/maxlength)
            ch.queueDeclare(full, false, false, false, java.util.Map.of("x-max-length", 0,
                    "x-overflow", "reject-publish"));
            ch.queueBind(full, topology.exchange(), Topology.ROUTING_WORK);
        }
        try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, Clock.systemUTC())) {
            CompletableFuture<Void> refused = publisher.publish(publisher.encode(EnvelopeFixtures.advisory("AAMk-n")));

            assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NotConfirmedException.class)
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void aDeadLetterWithNoQueueBoundIsNotConfirmed(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("dlret"), DELAYS);
        Connection connection = broker.connect();
        try (Channel ch = connection.createChannel()) {
            ch.queueUnbind(topology.deadLetterQueue(), topology.exchange(), Topology.ROUTING_DEAD);
        }
        try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, Clock.systemUTC())) {
            CompletableFuture<Void> dead = publisher.publishDeadLetter("empty.eml:0", "message/rfc822",
                    java.util.Map.of(), new byte[0]);

            assertThatThrownBy(() -> dead.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NotConfirmedException.class)
                    .hasMessageContaining("dead letter empty.eml:0 was returned");
        }
    }

    @Test
    void aPublishOnAClosedChannelIsRefusedAtOnce(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("closed"), DELAYS);
        Connection connection = broker.connect();
        EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, Clock.systemUTC());
        EnvelopeSize.Fitted envelope = publisher.encode(EnvelopeFixtures.advisory("AAMk-closed"));
        publisher.publish(envelope).get(10, TimeUnit.SECONDS);
        publisher.close();

        assertThatThrownBy(() -> publisher.publish(envelope)).isInstanceOf(java.io.IOException.class);
    }
}
