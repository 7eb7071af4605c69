package io.emailintel.fetcher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publisher against the real local RabbitMQ. */
@ExtendWith(RabbitBrokerExtension.class)
class EnvelopePublisherIT {

    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(10));

    @Test
    void twoPublishesOfOneEnvelopeBothReturnedFailBothPositions(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("twice"), DELAYS);
        Connection connection = broker.connect();
        try (Channel ch = connection.createChannel()) {
            ch.queueUnbind(topology.workQueue(), topology.exchange(), Topology.ROUTING_WORK); // mandatory → returned
        }
        // the same Message-ID in two files, or a delta round listing one item twice: one envelope id, two sends
        Envelope envelope = EnvelopeFixtures.advisory("AAMk-twice");
        try (EnvelopePublisher<String> publisher = new EnvelopePublisher<>(connection, topology, Clock.systemUTC())) {
            publisher.publish(envelope, "first");
            publisher.publish(envelope, "second");

            assertThat(publisher.awaitSettled(Duration.ofSeconds(10))).isTrue();
            assertThat(publisher.failed()).isTrue();
            assertThat(publisher.committable()).isEmpty();
        }
    }
}
