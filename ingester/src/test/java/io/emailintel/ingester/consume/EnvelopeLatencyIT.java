package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.ingester.opencti.DirectoryBundleSink;
import io.emailintel.ingester.opencti.LocalWorkApi;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.ops.Health;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The consumer records each ingested envelope's pipeline latency from the fetcher's publish-time header. */
@ExtendWith(RabbitBrokerExtension.class)
class EnvelopeLatencyIT {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ConsumerGate gate = new ConsumerGate();
    private Topology topology;
    private Connection connection;
    private OpenCtiCircuit circuit;
    private FailureRouter router;
    private EnvelopeConsumer consumer;

    @TempDir
    Path out;

    @BeforeEach
    void start(TestBroker broker) throws Exception {
        topology = broker.declare(List.of(Duration.ofMillis(200)));
        connection = broker.connect();
        Works works = new Works(new LocalWorkApi(), "local", clock, Duration.ofMinutes(1),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        circuit = new OpenCtiCircuit(() -> { }, d -> { }, Duration.ofSeconds(1), gate);
        EnvelopeProcessor processor = new EnvelopeProcessor(new EnvelopeCodec(),
                new ReportBuilder(ReportOptions.defaults(), clock), works, new DirectoryBundleSink(out), circuit,
                d -> { }, Later.NOW, 1, Duration.ofMillis(1));
        router = new FailureRouter(connection, topology, 3, clock, "test", Duration.ofSeconds(5));
        consumer = new EnvelopeConsumer(connection, topology, 4, 2, processor, router, works, gate,
                new IngestMetrics(registry, clock), new Health());
        consumer.start();
    }

    @AfterEach
    void stop() {
        consumer.stop(Duration.ofSeconds(5));
        router.close();
        circuit.close();
    }

    private void publish(String messageId, Map<String, Object> headers) throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).headers(headers).build(),
                    new EnvelopeCodec().encode(EnvelopeFixtures.advisory(messageId)));
        }
    }

    @Test
    void anIngestedEnvelopeRecordsTheTimeSinceItWasPublished() throws Exception {
        publish("lat-1", Map.of(Headers.PUBLISHED_AT, NOW.minusMillis(180).toString()));

        Timer latency = registry.get("emailintel.envelope.latency").timer();
        await().atMost(Duration.ofSeconds(30)).until(() -> latency.count() == 1);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(180.0);
    }

    @Test
    void anEnvelopeWithoutThePublishTimeIsIngestedWithoutALatency() throws Exception {
        publish("lat-2", Map.of());

        await().atMost(Duration.ofSeconds(30))
                .until(() -> registry.get("emailintel.emails.ingested").counter().count() == 1.0);
        assertThat(registry.get("emailintel.envelope.latency").timer().count()).isZero();
    }
}
