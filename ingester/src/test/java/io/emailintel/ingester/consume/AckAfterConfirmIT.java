package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.emailintel.ingester.opencti.BundleSink;
import io.emailintel.ingester.opencti.LocalWorkApi;
import io.emailintel.ingester.opencti.OpenCtiException;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With asynchronous confirms several bundles are in flight at once; each envelope is still acked only once its
 * own push is confirmed, and a push that fails goes to a retry tier (or, for an error the e-mail caused, to the
 * dead-letter queue) instead of being acked.
 */
@ExtendWith(RabbitBrokerExtension.class)
class AckAfterConfirmIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A sink whose pushes stay unconfirmed until the test settles them, by report name (the subject). */
    private static final class HeldSink implements BundleSink {
        final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
        volatile boolean overflow;

        @Override
        public void push(String workId, StixBundle bundle) {
            throw new UnsupportedOperationException("the consumer pushes asynchronously");
        }

        @Override
        public CompletableFuture<Void> pushAsync(String workId, StixBundle bundle) {
            if (overflow) {
                throw new StackOverflowError();
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            held.put(bundle.objects().get(2).path("external_references").get(0).path("external_id").asText(), f);
            return f;
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final HeldSink sink = new HeldSink();
    private final ConsumerGate gate = new ConsumerGate();
    private Topology topology;
    private Connection connection;
    private OpenCtiCircuit circuit;
    private FailureRouter router;
    private EnvelopeConsumer consumer;

    @BeforeEach
    void start(TestBroker broker) throws Exception {
        // a pipeline of its own per test: envelopes handed back by one test must not reach the next
        topology = broker.declare(broker.prefix("ack" + System.nanoTime()), List.of(Duration.ofMinutes(10)));
        connection = broker.connect();
        Works works = new Works(new LocalWorkApi(), "local", clock, Duration.ofMinutes(1),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        circuit = new OpenCtiCircuit(() -> { }, d -> { }, Duration.ofSeconds(1), gate);
        EnvelopeProcessor processor = new EnvelopeProcessor(new EnvelopeCodec(),
                new ReportBuilder(ReportOptions.defaults(), clock), works, sink, circuit, d -> { }, 1,
                Duration.ofMillis(1));
        router = new FailureRouter(connection, topology, 3, clock, "test", Duration.ofSeconds(5));
        consumer = new EnvelopeConsumer(connection, topology, 8, 2, processor, router, works, gate,
                new IngestMetrics(new SimpleMeterRegistry(), clock));
        consumer.start();
    }

    @AfterEach
    void stop() {
        consumer.stop(Duration.ofMillis(200));
        router.close();
        circuit.close();
    }

    private void publish(String messageId) throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).headers(Map.of()).build(),
                    new EnvelopeCodec().encode(EnvelopeFixtures.advisory(messageId)));
        }
    }

    private static String key(String messageId) {
        return "<" + messageId + "@mail.example.org>";
    }

    @Test
    void envelopesInFlightAreNotAckedBeforeTheirOwnPushIsConfirmed(TestBroker broker) throws Exception {
        for (String id : List.of("a1", "a2", "a3")) {
            publish(id);
        }
        await().atMost(WAIT).until(() -> sink.held.size() == 3);
        assertThat(consumer.inFlight()).isEqualTo(3);

        sink.held.get(key("a2")).complete(null);
        await().atMost(WAIT).until(() -> consumer.inFlight() == 2);

        // stopping now hands back the two whose pushes were never confirmed: they were not acked
        consumer.stop(Duration.ofMillis(200));
        await().atMost(WAIT).until(() -> broker.messageCount(topology.workQueue()) == 2);
        assertThat(broker.messageCount(topology.deadLetterQueue())).isZero();
    }

    @Test
    void aPushThatFailsAfterBeingPublishedSendsTheEnvelopeToARetryTierNotToAnAck(TestBroker broker)
            throws Exception {
        publish("r1");
        await().atMost(WAIT).until(() -> sink.held.size() == 1);

        sink.held.get(key("r1")).completeExceptionally(OpenCtiException.unavailable("opencti-push-returned",
                "the platform broker returned a push message", null));

        String tier = topology.retryTiers().get(0).queue();
        await().atMost(WAIT).until(() -> broker.messageCount(tier) == 1);
        await().atMost(WAIT).until(() -> consumer.inFlight() == 0);
        assertThat(broker.messageCount(topology.workQueue())).isZero();
        try (Channel ch = connection.createChannel()) {
            GetResponse r = ch.basicGet(tier, true);
            assertThat(r.getProps().getHeaders().get(Headers.FAILURE_REASON).toString())
                    .isEqualTo("opencti-push-returned");
        }
    }

    @Test
    void aStackOverflowWhileProcessingOneEmailDeadLettersItAsAnInternalError(TestBroker broker) throws Exception {
        sink.overflow = true;
        publish("so1");

        await().atMost(WAIT).until(() -> broker.messageCount(topology.deadLetterQueue()) == 1);
        try (Channel ch = connection.createChannel()) {
            GetResponse r = ch.basicGet(topology.deadLetterQueue(), true);
            Map<String, Object> headers = r.getProps().getHeaders();
            assertThat(headers.get(Headers.FAILURE_REASON).toString()).isEqualTo("internal-error");
            assertThat(headers.get(Headers.EXCEPTION_CLASS).toString()).isEqualTo("java.lang.StackOverflowError");
            assertThat(headers.get(Headers.EXCEPTION_MESSAGE).toString()).contains("stack overflow");
        }
        // consuming goes on: the next e-mail is processed on the same channel
        sink.overflow = false;
        publish("so2");
        await().atMost(WAIT).until(() -> sink.held.containsKey(key("so2")));
        assertThat(consumer.isConsuming()).isTrue();
    }
}
