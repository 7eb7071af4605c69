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
import io.emailintel.ingester.stix.Tlp;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.ops.Health;
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
import java.util.concurrent.CopyOnWriteArrayList;
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
        /** Every push ever made, in order, with its report key (a redelivered envelope is pushed again). */
        final List<Map.Entry<String, CompletableFuture<Void>>> all = new CopyOnWriteArrayList<>();
        volatile boolean overflow;

        @Override
        public CompletableFuture<Void> push(String workId, StixBundle bundle) {
            if (overflow) {
                throw new StackOverflowError();
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            String key = bundle.objects().get(2).path("external_references").get(0).path("external_id").asText();
            held.put(key, f);
            all.add(Map.entry(key, f));
            return f;
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final HeldSink sink = new HeldSink();
    private final ConsumerGate gate = new ConsumerGate();
    private final Health health = new Health();
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
                // the Message-ID as an external reference: HeldSink tells the e-mails apart by it
                new ReportBuilder(new ReportOptions(Tlp.AMBER_STRICT, List.of("threat-report"), "Email Intel Microsoft",
                        false, true), clock), works, sink, circuit, d -> { }, Later.NOW, 1,
                Duration.ofMillis(1));
        router = new FailureRouter(connection, topology, 3, clock, "test", Duration.ofSeconds(5));
        consumer = new EnvelopeConsumer(connection, topology, 8, 2, processor, router, works, gate,
                new IngestMetrics(new SimpleMeterRegistry(), clock), health);
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
        assertThat(consumer.unsettled()).isEqualTo(3);

        sink.held.get(key("a2")).complete(null);
        await().atMost(WAIT).until(() -> consumer.unsettled() == 2);

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
        await().atMost(WAIT).until(() -> consumer.unsettled() == 0);
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

    /**
     * Bug 1 of issue 13: after a channel error the deliveries of the closed channel were settled on its
     * successor by their old tags — acking envelopes there that were never processed, or closing it again.
     * Here the consumer's channel is closed by an ack of an unknown delivery tag (PRECONDITION_FAILED closes that
     * channel only) while three pushes are held; their envelopes are redelivered on the new channel.
     */
    @Test
    void pushesConfirmedAfterTheirChannelClosedAckNothingOnTheNewChannel(TestBroker broker) throws Exception {
        for (String id : List.of("c1", "c2", "c3")) {
            publish(id);
        }
        await().atMost(WAIT).until(() -> sink.all.size() == 3);
        List<Map.Entry<String, CompletableFuture<Void>>> first = List.copyOf(sink.all);
        Channel old = consumer.currentChannel();

        old.basicAck(999_999, false);

        // redelivered on a new channel and pushed again, held again
        await().atMost(WAIT).until(() -> sink.all.size() == 6);
        assertThat(consumer.currentChannel()).isNotSameAs(old);
        assertThat(old.isOpen()).isFalse();
        // the first pushes are confirmed now: their channel is closed, so nothing may be acked
        first.forEach(e -> e.getValue().complete(null));
        await().atMost(WAIT).until(() -> consumer.unsettled() == 3);
        Channel second = consumer.currentChannel();
        assertThat(second.isOpen()).isTrue();

        // the second pushes are confirmed: each envelope is acked once, on the channel that delivered it
        sink.all.subList(3, 6).forEach(e -> e.getValue().complete(null));
        await().atMost(WAIT).until(() -> consumer.unsettled() == 0);
        // one more round trip on that channel: an ack of a tag acked before would have closed it by now
        publish("c4");
        await().atMost(WAIT).until(() -> sink.held.containsKey(key("c4")));
        sink.held.get(key("c4")).complete(null);
        await().atMost(WAIT).until(() -> consumer.unsettled() == 0);
        assertThat(consumer.currentChannel()).isSameAs(second);
        assertThat(second.isOpen()).isTrue();
        consumer.stop(Duration.ofMillis(500));
        assertThat(broker.messageCount(topology.workQueue())).isZero();
        assertThat(broker.messageCount(topology.deadLetterQueue())).isZero();
        assertThat(broker.messageCount(topology.retryTiers().get(0).queue())).isZero();
    }

    @Test
    void aStoppedConsumerWithHeldPushesAfterAChannelErrorLosesNothing(TestBroker broker) throws Exception {
        for (String id : List.of("d1", "d2", "d3")) {
            publish(id);
        }
        await().atMost(WAIT).until(() -> sink.all.size() == 3);
        List<Map.Entry<String, CompletableFuture<Void>>> first = List.copyOf(sink.all);
        consumer.currentChannel().basicAck(999_999, false);
        await().atMost(WAIT).until(() -> sink.all.size() == 6);

        // only the first generation is confirmed: none of these envelopes was processed on the live channel
        first.forEach(e -> e.getValue().complete(null));
        await().atMost(WAIT).until(() -> consumer.unsettled() == 3);
        consumer.stop(Duration.ofMillis(200));

        await().atMost(WAIT).until(() -> broker.messageCount(topology.workQueue()) == 3);
    }

    @Test
    void aChannelThatKeepsFailingBacksOffAndMarksReadinessDownUntilConsumingWorksAgain(TestBroker broker)
            throws Exception {
        await().atMost(WAIT).until(consumer::isConsuming);
        assertThat(health.checks().get(EnvelopeConsumer.HEALTH_CHECK).up()).isTrue();
        Channel old = consumer.currentChannel();
        old.basicAck(999_999, false);
        await().atMost(WAIT).until(() -> !old.isOpen());
        // the work queue is gone: every basic.consume is refused (NOT_FOUND closes the channel each time)
        try (Channel ch = connection.createChannel()) {
            ch.queueDelete(topology.workQueue());
        }
        long start = System.nanoTime();
        await().atMost(WAIT).until(() -> !health.checks().get(EnvelopeConsumer.HEALTH_CHECK).up());
        // the waits between tries were 0.5 s and 1 s before the third failure: not a tight loop
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1000));
        assertThat(health.checks().get(EnvelopeConsumer.HEALTH_CHECK).detail()).contains("NOT_FOUND");
        assertThat(consumer.isConsuming()).isFalse();

        // the queue is back: the next try consumes again and readiness comes back
        topology.declare(connection);
        await().atMost(WAIT).until(() -> health.checks().get(EnvelopeConsumer.HEALTH_CHECK).up());
        publish("e1");
        await().atMost(WAIT).until(() -> sink.held.containsKey(key("e1")));
    }
}
