package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.ops.Health;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the ingester does with OpenCTI works, against the fake platform's work lifecycle and worker: no push
 * names a work, no expectation is ever registered, every dead letter counts in its cycle's work, and a work the
 * platform closed is never reported as done (docs/OPENCTI-WORKS.md).
 */
@ExtendWith(RabbitBrokerExtension.class)
class WorkBookkeepingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Pipeline pipeline(TestBroker broker, TestInfo info) throws Exception {
        String suffix = "wb" + Integer.toHexString(info.getTestMethod().orElseThrow().getName().hashCode());
        FakeOpenCti openCti = new FakeOpenCti(broker, suffix);
        cleanup.add(openCti);
        Pipeline p = new Pipeline(broker, openCti, broker.prefix(suffix));
        p.declare();
        return p;
    }

    private void start(Pipeline p, Map<String, String> extra) throws Exception {
        Ingester ingester = Ingester.start(p.config(extra), Clock.systemUTC(), Sleeper.SYSTEM, () -> false,
                registry, new Health());
        cleanup.add(0, ingester);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    @Test
    void amqpPushesNameNoWorkAndNoExpectationIsEverRegistered(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        start(p, Map.of());
        for (int i = 0; i < 3; i++) {
            p.publish(IngesterIT.envelope(i, "c1"));
        }
        List<Pipeline.Pushed> pushed = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            pushed.addAll(p.takePushed());
            return pushed.size() == 9;
        });

        assertThat(pushed).allSatisfy(m -> {
            assertThat(m.message().has("work_id")).isTrue();
            assertThat(m.message().get("work_id").isNull()).isTrue();
        });
        await().atMost(WAIT).until(() -> p.openCti.closedWorks.size() == 1);
        assertThat(p.openCti.expectations.get()).isZero();
        assertThat(p.openCti.closedWorks.get(0).message()).isEqualTo("3 e-mail(s) pushed to OpenCTI's queue "
                + "(imported asynchronously by the platform)");
        assertThat(p.openCti.closedWorks.get(0).inError()).isFalse();
        // a work without expectations completes on toProcessed (work.js updateProcessedTime)
        assertThat(p.openCti.describeWork(p.openCti.closedWorks.get(0).id())).startsWith("complete expected=0");
    }

    @Test
    void apiPushesNameTheCyclesWorkAndAddNoExpectationsOfTheirOwn(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        p.openCti.startWorker(2, Duration.ZERO);
        start(p, Map.of("CONNECTOR_QUEUE_PROTOCOL", "api"));
        for (int i = 0; i < 3; i++) {
            p.publish(IngesterIT.envelope(i, "c1"));
        }

        await().atMost(WAIT).until(() -> p.openCti.importedReportIds().size() == 3);
        await().atMost(WAIT).until(() -> p.openCti.closedWorks.size() == 1);
        String work = p.openCti.closedWorks.get(0).id();
        assertThat(p.openCti.works).containsExactly(work); // the platform created none of its own
        assertThat(p.openCti.expectations.get()).as("addExpectations sent by the ingester").isZero();
        assertThat(p.openCti.imports).allMatch(i -> work.equals(i.workId()));
        // the platform's worker split each bundle and added its 3 expectations; all were processed
        await().atMost(WAIT).until(() -> p.openCti.describeWork(work).startsWith("complete expected=9 processed=9"));
        assertThat(p.openCti.droppedMessages.get()).isZero();
    }

    @Test
    void aDeadLetterAtEveryStageCountsInItsWorkAndMarksItInError(TestBroker broker, TestInfo info)
            throws Exception {
        Pipeline p = pipeline(broker, info);
        p.openCti.rejectBundle = b -> b.contains("Advisory 3\"");
        start(p, Map.of("CONNECTOR_QUEUE_PROTOCOL", "api", "INGESTER_WORK_QUIET_PERIOD", "PT1S"));
        try (Channel ch = broker.connect().createChannel()) {
            // decode: unreadable, but its header names the cycle
            publish(ch, p.topology, "not an envelope".getBytes(StandardCharsets.UTF_8), "c1");
            // build: a received time past year 9999 is no STIX timestamp, so the bundle fails validation
            Envelope farFuture = Envelope.builder().source(io.emailintel.model.EnvelopeFixtures.source("ff"))
                    .subject("Far future").receivedAt(Instant.parse("+10000-01-01T00:00:00Z")).fetchCycleId("c1")
                    .fetchedAt(Instant.parse("2025-05-09T12:00:00Z")).build();
            publish(ch, p.topology, new EnvelopeCodec().encode(farFuture), "c1");
            // push: the platform refuses the bundle
            publish(ch, p.topology, new EnvelopeCodec().encode(IngesterIT.envelope(3, "c1")), "c1");
            publish(ch, p.topology, new EnvelopeCodec().encode(IngesterIT.envelope(4, "c1")), "c1");
        }

        await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 3);
        List<String> stages = p.takeDeadLetters().stream().map(d -> Pipeline.header(d, Headers.STAGE)).toList();
        assertThat(stages).containsExactlyInAnyOrder("decode", "build", "push");
        await().atMost(WAIT).until(() -> p.openCti.closedWorks.size() == 1);
        FakeOpenCti.ClosedWork closed = p.openCti.closedWorks.get(0);
        assertThat(closed.inError()).isTrue();
        assertThat(closed.message()).isEqualTo("1 e-mail(s) pushed to OpenCTI's queue (imported asynchronously by "
                + "the platform), 3 dead-lettered (see the ingester's dead-letter queue)");
    }

    @Test
    void aWorkThePlatformClosedIsDetectedLoggedCountedAndNotReportedAsDone(TestBroker broker, TestInfo info)
            throws Exception {
        Pipeline p = pipeline(broker, info);
        p.openCti.startWorker(1, Duration.ZERO);
        start(p, Map.of("INGESTER_WORK_QUIET_PERIOD", "PT3S"));
        p.publish(IngesterIT.envelope(1, "c1"));
        await().atMost(WAIT).until(() -> p.openCti.importedReportIds().size() == 1);
        String work = p.openCti.works.get(0);

        p.openCti.deleteWork(work); // an operator deletes it in the UI (a sweep has the same effect)

        await().atMost(WAIT).until(() -> registry.find("emailintel.opencti.works.closed.by.platform").counter()
                .count() == 1.0);
        assertThat(p.openCti.closedWorks).isEmpty();
        assertThat(p.openCti.importedReportIds()).hasSize(1); // nothing was lost with it
    }

    private static void publish(Channel ch, Topology topology, byte[] body, String cycle) throws Exception {
        ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, new AMQP.BasicProperties.Builder()
                .deliveryMode(2).headers(Map.of(Headers.FETCH_CYCLE, cycle)).build(), body);
    }
}
