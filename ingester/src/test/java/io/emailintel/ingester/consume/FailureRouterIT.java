package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Routes publish with confirms on channels of their own (borrowed from a pool, no lock across the wait): many
 * threads route at once, each route counts only its own confirm and its own return.
 */
@ExtendWith(RabbitBrokerExtension.class)
class FailureRouterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final AMQP.BasicProperties PROPS = new AMQP.BasicProperties.Builder().headers(Map.of()).build();

    private static Failure transientFailure() {
        return new Failure(Failure.Kind.TRANSIENT, "opencti-http-503", "push", new IOException("503"));
    }

    private static Failure poison() {
        return new Failure(Failure.Kind.POISON, "invalid-json", "decode", new IOException("bad"));
    }

    @Test
    void routesFromManyThreadsAreEachConfirmedIntoTheirQueue(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("route" + System.nanoTime()), List.of(Duration.ofMinutes(10)));
        Connection connection = broker.connect();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (FailureRouter router = new FailureRouter(connection, topology, 3, Clock.systemUTC(), "test",
                Duration.ofSeconds(10))) {
            List<Future<FailureRouter.Destination>> routes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                byte[] body = ("e-mail " + i).getBytes(StandardCharsets.UTF_8);
                Failure failure = i % 2 == 0 ? transientFailure() : poison();
                routes.add(pool.submit(() -> router.route(PROPS, body, failure)));
            }
            for (Future<FailureRouter.Destination> r : routes) {
                assertThat(r.get()).isIn(FailureRouter.Destination.RETRY, FailureRouter.Destination.DEAD_LETTER);
            }
            await().atMost(WAIT).until(() -> broker.messageCount(topology.retryTiers().get(0).queue()) == 20);
            await().atMost(WAIT).until(() -> broker.messageCount(topology.deadLetterQueue()) == 20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReturnedRouteFailsAloneAndTheNextRouteOnTheSameChannelCountsAgain(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("return" + System.nanoTime()), List.of(Duration.ofMinutes(10)));
        Connection connection = broker.connect();
        try (FailureRouter router = new FailureRouter(connection, topology, 3, Clock.systemUTC(), "test",
                Duration.ofSeconds(10))) {
            assertThat(router.route(PROPS, "first".getBytes(StandardCharsets.UTF_8), poison()))
                    .isEqualTo(FailureRouter.Destination.DEAD_LETTER);
            try (Channel ch = connection.createChannel()) {
                ch.queueUnbind(topology.deadLetterQueue(), topology.exchange(), Topology.ROUTING_DEAD);
            }

            // nothing bound to the dead-letter key: the broker returns it, so the caller must not ack
            assertThatThrownBy(() -> router.route(PROPS, "second".getBytes(StandardCharsets.UTF_8), poison()))
                    .isInstanceOf(IOException.class).hasMessageContaining("returned");

            topology.declare(connection);
            assertThat(router.route(PROPS, "third".getBytes(StandardCharsets.UTF_8), poison()))
                    .isEqualTo(FailureRouter.Destination.DEAD_LETTER);
            await().atMost(WAIT).until(() -> broker.messageCount(topology.deadLetterQueue()) == 2);
        }
    }
}
