package io.emailintel.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitBrokerExtension.class)
class TopologyIT {

    @Test
    void declaringTwiceFromTwoConnectionsIsHarmless(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("twice"), List.of(Duration.ofSeconds(10)));
        topology.declare(broker.connect());
        new Topology(topology.prefix(), List.of(Duration.ofSeconds(10))).declare(broker.connect());
        for (String queue : topology.queues()) {
            assertThat(broker.messageCount(queue)).isZero();
        }
    }

    @Test
    void rejectedMessageReachesTheDeadLetterQueueWithItsHeaders(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("reject"), List.of(Duration.ofSeconds(10)));
        Connection connection = broker.connect();
        try (Channel ch = connection.createChannel()) {
            publish(ch, topology, Topology.ROUTING_WORK, "poison", Map.of(Headers.FAILURE_REASON, "invalid-json"));
            GetResponse got = await().until(() -> ch.basicGet(topology.workQueue(), false), r -> r != null);
            ch.basicReject(got.getEnvelope().getDeliveryTag(), false);

            GetResponse dead = await().until(() -> ch.basicGet(topology.deadLetterQueue(), true), r -> r != null);
            assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("poison");
            assertThat(dead.getProps().getMessageId()).isEqualTo("poison");
            assertThat(dead.getProps().getHeaders().get(Headers.FAILURE_REASON).toString()).isEqualTo("invalid-json");
        }
    }

    @Test
    void messageInARetryTierReturnsToTheWorkQueueAfterItsDelayWithHeaders(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("retry"), List.of(Duration.ofMillis(300),
                Duration.ofSeconds(30)));
        RetryTier first = topology.tierForRetry(0);
        try (Channel ch = broker.connect().createChannel()) {
            publish(ch, topology, first.routingKey(), "again", Map.of(Headers.ATTEMPTS, 1,
                    Headers.STAGE, "push"));
            assertThat(ch.basicGet(topology.workQueue(), true)).as("not before its delay").isNull();

            AtomicReference<GetResponse> back = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                back.set(ch.basicGet(topology.workQueue(), true));
                return back.get() != null;
            });
            assertThat(new String(back.get().getBody(), StandardCharsets.UTF_8)).isEqualTo("again");
            Map<String, Object> headers = back.get().getProps().getHeaders();
            assertThat(headers.get(Headers.ATTEMPTS)).isEqualTo(1);
            assertThat(headers.get(Headers.STAGE).toString()).isEqualTo("push");
            assertThat(broker.messageCount(first.queue())).isZero();
        }
    }

    @Test
    void messageRedeliveredPastTheLimitIsDeadLetteredNotLooped(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("limit"), List.of(Duration.ofSeconds(10)));
        try (Channel ch = broker.connect().createChannel()) {
            publish(ch, topology, Topology.ROUTING_WORK, "crashes-consumers", Map.of());
            for (int i = 0; i <= Topology.WORK_DELIVERY_LIMIT; i++) {
                GetResponse got = await().until(() -> ch.basicGet(topology.workQueue(), false), r -> r != null);
                ch.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
            }
            GetResponse dead = await().until(() -> ch.basicGet(topology.deadLetterQueue(), true), r -> r != null);
            assertThat(dead.getProps().getMessageId()).isEqualTo("crashes-consumers");
        }
    }

    @Test
    void inspectingTheDeadLetterQueueRepeatedlyNeverDropsAMessage(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("inspect"), List.of(Duration.ofSeconds(10)));
        try (Channel ch = broker.connect().createChannel()) {
            publish(ch, topology, Topology.ROUTING_DEAD, "keep-me", Map.of());
            for (int i = 0; i < Topology.WORK_DELIVERY_LIMIT + 5; i++) {
                GetResponse got = await().until(() -> ch.basicGet(topology.deadLetterQueue(), false), r -> r != null);
                ch.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
            }
            GetResponse still = await().until(() -> ch.basicGet(topology.deadLetterQueue(), true), r -> r != null);
            assertThat(still.getProps().getMessageId()).isEqualTo("keep-me");
        }
    }

    @Test
    void aQueueWithOtherArgumentsIsReportedByName(TestBroker broker) throws Exception {
        String prefix = broker.prefix("clash");
        Topology topology = new Topology(prefix, List.of(Duration.ofSeconds(10)));
        broker.deleteAfterwards(topology);
        try (Channel ch = broker.connect().createChannel()) {
            ch.queueDeclare(topology.workQueue(), true, false, false, Map.of()); // a classic queue
        }
        assertThatThrownBy(() -> topology.declare(broker.connect()))
                .isInstanceOf(TopologyMismatchException.class)
                .hasMessageContaining(topology.workQueue())
                .hasMessageContaining("pipeline.queue_prefix");
    }

    private static void publish(Channel ch, Topology topology, String routingKey, String body,
                                Map<String, Object> headers) throws Exception {
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
                .messageId(body).headers(headers).build();
        ch.confirmSelect();
        ch.basicPublish(topology.exchange(), routingKey, true, props, body.getBytes(StandardCharsets.UTF_8));
        ch.waitForConfirmsOrDie(5_000);
    }
}
