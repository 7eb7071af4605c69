package io.emailintel.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitBrokerExtension.class)
class HealthFollowIT {

    @Test
    void theBrokerCheckFollowsTheConnection(TestBroker broker) throws Exception {
        Health health = new Health().require("broker", "not connected yet");
        Connection connection = broker.brokerUri().connect("health-follow");
        health.follow("broker", connection);
        assertThat(health.ready()).isTrue();
        connection.close();
        // the shutdown listener runs on the connection's own thread
        await().untilAsserted(() -> assertThat(health.ready()).isFalse());
        assertThat(health.checks().get("broker").detail()).contains("connection lost");
    }
}
