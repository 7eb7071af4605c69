package io.emailintel.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitBrokerExtension.class)
class QueueDepthsIT {

    @Test
    void gaugesFollowTheQueues(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("depth"), List.of(Duration.ofMinutes(1)));
        try (Channel ch = broker.connect().createChannel()) {
            for (int i = 0; i < 3; i++) {
                ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, null, new byte[] {1});
            }
            ch.basicPublish(topology.exchange(), Topology.ROUTING_DEAD, null, new byte[] {1});
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (QueueDepths depths = new QueueDepths(broker.connect(), topology, registry, 100)) {
            await().untilAsserted(() -> {
                assertThat(registry.get("emailintel.queue.depth").tag("queue", "work").gauge().value()).isEqualTo(3.0);
                assertThat(registry.get("emailintel.queue.depth").tag("queue", "dead").gauge().value()).isEqualTo(1.0);
                assertThat(registry.get("emailintel.queue.depth").tag("queue", "retry.1m").gauge().value()).isZero();
            });
        }
    }
}
