package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.tls.TlsTrust;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The amqp push against a real broker: confirms tracked per push, a returned message fails its push. */
@ExtendWith(RabbitBrokerExtension.class)
class PushPublisherIT {

    private final ReportBuilder builder = new ReportBuilder(ReportOptions.defaults(), Clock.systemUTC());

    private static PushPublisher publisher(TestBroker broker, String exchange) throws Exception {
        URI uri = URI.create(broker.uri());
        String[] user = uri.getUserInfo() == null ? new String[] {"guest", "guest"} : uri.getUserInfo().split(":", 2);
        Registration r = new Registration("applicant", exchange, "push_routing",
                new Registration.PushBroker(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5672, "/", false,
                        user[0], user.length > 1 ? user[1] : ""));
        return PushPublisher.connect(r, TlsTrust.jvm(), Duration.ofSeconds(10), "push-publisher-it");
    }

    private static String declare(TestBroker broker, boolean bound) throws Exception {
        String exchange = broker.prefix("push" + System.nanoTime());
        String queue = exchange + ".q";
        Connection c = broker.connect();
        try (Channel ch = c.createChannel()) {
            ch.exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, false, true, null);
            if (bound) {
                ch.queueDeclare(queue, true, false, false, null);
                ch.queueBind(queue, exchange, "push_routing");
                broker.deleteQueueAfterwards(queue);
            }
        }
        return exchange;
    }

    @Test
    void manyPushesInFlightAllCompleteOnceTheBrokerHasEveryMessage(TestBroker broker) throws Exception {
        String exchange = declare(broker, true);
        try (PushPublisher publisher = publisher(broker, exchange)) {
            List<CompletableFuture<Void>> pushes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                StixBundle bundle = builder.build(EnvelopeFixtures.advisory("many-" + i));
                pushes.add(publisher.push("work-1", bundle));
            }
            CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.messageCount(exchange + ".q") == 60);
        }
    }

    @Test
    void aPushWhoseMessagesAreReturnedFailsAsReturned(TestBroker broker) throws Exception {
        String exchange = declare(broker, false);
        try (PushPublisher publisher = publisher(broker, exchange)) {
            CompletableFuture<Void> push = publisher.push("work-1",
                    builder.build(EnvelopeFixtures.advisory("returned-1")));

            Throwable failure = catchThrowable(push::join);

            assertThat(failure).isInstanceOf(CompletionException.class);
            assertThat(failure.getCause()).isInstanceOfSatisfying(OpenCtiException.class, e -> {
                assertThat(e.reason()).isEqualTo("opencti-push-returned");
                assertThat(e.isTransient()).isTrue();
            });
        }
    }
}
