package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.GetResponse;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.ops.Health;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.emailintel.ingester.opencti.OpenCtiException;
import io.emailintel.ingester.stix.StixIds;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** One in-process ingester against the real broker and a fake OpenCTI. */
@ExtendWith(RabbitBrokerExtension.class)
class IngesterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Health health = new Health();

    static Envelope envelope(int i, String cycle) {
        return Envelope.builder()
                .source(EnvelopeFixtures.source("msg-" + i))
                .subject("Advisory " + i)
                .from(new EmailAddress("Vendor PSIRT", "psirt@vendor.example"))
                .receivedAt(Instant.parse("2025-05-09T10:00:00Z").plusSeconds(i))
                .body(new EnvelopeBody("html", "<p>Advisory <b>" + i + "</b></p><img src=https://t.example/p.gif>"))
                .fetchCycleId(cycle)
                .fetchedAt(Instant.parse("2025-05-09T12:00:00Z"))
                .build();
    }

    private Pipeline pipeline(TestBroker broker, TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        String suffix = Integer.toHexString(name.hashCode());
        FakeOpenCti openCti = new FakeOpenCti(broker, suffix);
        cleanup.add(openCti);
        Pipeline p = new Pipeline(broker, openCti, broker.prefix(suffix));
        p.declare();
        return p;
    }

    private Ingester start(Pipeline p, Map<String, String> extra) throws Exception {
        Ingester ingester = Ingester.start(p.config(extra), Clock.systemUTC(), Sleeper.SYSTEM, () -> false,
                registry, health);
        cleanup.add(0, ingester);
        return ingester;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private static List<Pipeline.Pushed> awaitPushed(Pipeline p, int count) {
        List<Pipeline.Pushed> all = new CopyOnWriteArrayList<>();
        await().atMost(WAIT).until(() -> {
            all.addAll(p.takePushed());
            return all.size() >= count;
        });
        return all;
    }

    @Test
    void anEnvelopeBecomesPyctiPushMessagesOnePerObject(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        start(p, Map.of());
        Envelope advisory = EnvelopeFixtures.advisory("m1");
        p.publish(advisory);

        List<Pipeline.Pushed> pushed = awaitPushed(p, 3);
        assertThat(pushed).hasSize(3);
        assertThat(pushed).extracting(Pipeline.Pushed::type).containsExactly("identity", "marking-definition", "report");
        String workId = p.openCti.works.get(0);
        for (int i = 0; i < 3; i++) {
            Pipeline.Pushed m = pushed.get(i);
            assertThat(m.message().path("bundle_type").asText()).isEqualTo("QUEUE_BUNDLE");
            assertThat(m.message().path("applicant_id").asText()).isEqualTo(FakeOpenCti.CONNECTOR_USER);
            assertThat(m.message().get("work_id").isNull()).as("no push names a work").isTrue();
            assertThat(m.message().path("update").asBoolean()).isFalse();
            assertThat(m.message().path("action_sequence").asInt()).isEqualTo(i + 1);
            assertThat(m.object().path("x_opencti_seq").asInt()).isEqualTo(i + 1);
            assertThat(m.bundle().path("objects")).hasSize(1);
            assertThat(m.props().getDeliveryMode()).isEqualTo(2);
            assertThat(m.props().getContentEncoding()).isEqualTo("utf-8");
        }
        JsonNode report = pushed.get(2).object();
        assertThat(report.path("id").asText()).isEqualTo(StixIds.reportId(advisory.subject(), advisory.receivedAt()));
        assertThat(report.path("name").asText()).isEqualTo(advisory.subject());
        assertThat(report.path("x_opencti_files").get(0).path("name").asText()).isEqualTo("advisory.pdf");
        assertThat(report.has("object_refs")).isFalse();
        assertThat(report.has("external_references")).as("by default the Message-ID stays under the TLP").isFalse();
        assertThat(report.path("description").asText()).contains("m1@mail.example.org");
        // the cycle's work is closed once quiet, not in error, without expectations (docs/OPENCTI-WORKS.md)
        await().atMost(WAIT).until(() -> !p.openCti.closedWorks.isEmpty());
        assertThat(p.openCti.expectations.get()).isZero();
        assertThat(p.openCti.closedWorks.get(0).id()).isEqualTo(workId);
        assertThat(p.openCti.closedWorks.get(0).inError()).isFalse();
        assertThat(broker.messageCount(p.topology.deadLetterQueue())).isZero();
    }

    @Test
    void theSameEnvelopeTwiceGivesTheSameObjectsApartFromModified(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        start(p, Map.of("INGESTER_CONCURRENCY", "1"));
        Envelope advisory = EnvelopeFixtures.advisory("m1");
        p.publish(advisory);
        List<Pipeline.Pushed> first = awaitPushed(p, 3);
        p.publish(advisory);
        List<Pipeline.Pushed> second = awaitPushed(p, 3);

        assertThat(second).extracting(Pipeline.Pushed::id).containsExactlyElementsOf(
                first.stream().map(Pipeline.Pushed::id).toList());
        for (int i = 0; i < 3; i++) {
            ObjectNode a = first.get(i).object().deepCopy();
            ObjectNode b = second.get(i).object().deepCopy();
            a.remove("modified");
            b.remove("modified");
            assertThat(b.toString()).isEqualTo(a.toString());
        }
    }

    @Test
    void garbageIsDeadLetteredAndTheConsumerKeepsGoing(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        start(p, Map.of());
        byte[] garbage = "this is not an envelope \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        p.publish(garbage);
        p.publish(envelope(1, "c1"));

        assertThat(awaitPushed(p, 3)).extracting(Pipeline.Pushed::type).contains("report");
        await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 1);
        GetResponse dead = p.takeDeadLetters().get(0);
        assertThat(dead.getBody()).isEqualTo(garbage);
        assertThat(Pipeline.header(dead, Headers.FAILURE_REASON)).isEqualTo("invalid-json");
        assertThat(Pipeline.header(dead, Headers.STAGE)).isEqualTo("decode");
        assertThat(Pipeline.header(dead, Headers.ATTEMPTS)).isEqualTo("1");
        assertThat(Pipeline.header(dead, Headers.EXCEPTION_CLASS)).isEqualTo("io.emailintel.model.PoisonEnvelopeException");
        assertThat(Pipeline.header(dead, Headers.INSTANCE)).isEqualTo(Ingester.instanceName());
        assertThat(Instant.parse(Pipeline.header(dead, Headers.FIRST_FAILURE_AT))).isNotNull();
        assertThat(Pipeline.header(dead, Headers.LAST_FAILURE_AT)).isEqualTo(Pipeline.header(dead, Headers.FIRST_FAILURE_AT));
        await().atMost(WAIT).until(() -> registry.counter("emailintel.emails.ingested").count() == 1.0);
        assertThat(registry.counter("emailintel.emails.dead_lettered", "reason", "invalid-json").count()).isEqualTo(1.0);
        assertThat(registry.timer("emailintel.email.age").count()).isEqualTo(1);
    }

    @Test
    void anUnknownSchemaVersionIsDeadLettered(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        start(p, Map.of());
        String json = new String(new EnvelopeCodec().encode(envelope(1, "c1")), StandardCharsets.UTF_8)
                .replace("\"schemaVersion\":\"" + io.emailintel.model.Envelope.SCHEMA_VERSION + "\"", "\"schemaVersion\":\"2.0\"");
        assertThat(json).contains("\"schemaVersion\":\"2.0\"");
        p.publish(json.getBytes(StandardCharsets.UTF_8));

        await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 1);
        GetResponse dead = p.takeDeadLetters().get(0);
        assertThat(Pipeline.header(dead, Headers.FAILURE_REASON)).isEqualTo("unknown-schema-version");
        assertThat(Pipeline.utf8(dead.getBody())).isEqualTo(json);
        assertThat(p.takePushed()).isEmpty();
    }

    @Test
    void anOpenCtiOutageEndsWithEverythingIngestedAndNothingDeadLettered(TestBroker broker, TestInfo info)
            throws Exception {
        Pipeline p = pipeline(broker, info);
        // the api protocol: every bundle is an OpenCTI call (over amqp, bundles go to the platform's broker and an
        // API outage only delays the work journal)
        p.openCti.startWorker(2, Duration.ZERO);
        start(p, Map.of("PIPELINE_MAX_ATTEMPTS", "2", "CONNECTOR_QUEUE_PROTOCOL", "api"));
        p.openCti.failStatus = 500;
        for (int i = 0; i < 20; i++) {
            p.publish(envelope(i, "c1"));
        }
        // the circuit has opened when the ingester only asks for health any more; the outage outlasts
        // several retry-tier delays and far more calls than PIPELINE_MAX_ATTEMPTS would allow
        int probesBefore = p.openCti.failedRequests.get();
        await().atMost(WAIT).until(() -> p.openCti.failedRequests.get() > probesBefore + 20);
        assertThat(health.checks().get("opencti").up()).isFalse();
        assertThat(registry.get("emailintel.circuit.state").gauge().value()).isEqualTo(1.0);
        p.openCti.failStatus = 0;

        await().atMost(WAIT).until(() -> p.openCti.importedReportIds().size() == 20);
        assertThat(broker.messageCount(p.topology.deadLetterQueue())).isZero();
        assertThat(p.openCti.healthQueries.get()).isGreaterThan(1);
        assertThat(health.ready()).isTrue();
        assertThat(registry.get("emailintel.circuit.state").gauge().value()).isZero();
    }

    @Test
    void aBundleOpenCtiRejectsIsDeadLetteredWithItsReasonAndTheRestFlow(TestBroker broker, TestInfo info)
            throws Exception {
        Pipeline p = pipeline(broker, info);
        p.openCti.rejectBundle = b -> b.contains("Advisory 3\"");
        start(p, Map.of("CONNECTOR_QUEUE_PROTOCOL", "api"));
        for (int i = 0; i < 6; i++) {
            p.publish(envelope(i, "c1"));
        }
        await().atMost(WAIT).until(() -> p.openCti.apiBundles.size() == 5);
        await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 1);
        GetResponse dead = p.takeDeadLetters().get(0);
        assertThat(new EnvelopeCodec().decode(dead.getBody()).subject()).isEqualTo("Advisory 3");
        assertThat(Pipeline.header(dead, Headers.FAILURE_REASON)).isEqualTo("opencti-rejected");
        assertThat(Pipeline.header(dead, Headers.STAGE)).isEqualTo("push");
        assertThat(Pipeline.header(dead, Headers.EXCEPTION_MESSAGE)).contains("VALIDATION_ERROR");
        assertThat(Pipeline.header(dead, Headers.ATTEMPTS)).isEqualTo("1");
        assertThat(p.openCti.apiBundles).noneMatch(b -> b.contains("Advisory 3\""));
        await().atMost(WAIT).until(() -> !p.openCti.closedWorks.isEmpty());
        assertThat(p.openCti.closedWorks.get(0).inError()).isTrue();
    }

    @Test
    void aBundleThatKeepsFailingTransientlyIsDeadLetteredAfterMaxAttempts(TestBroker broker, TestInfo info)
            throws Exception {
        Pipeline p = pipeline(broker, info);
        p.openCti.failBundle = b -> b.contains("Advisory 1\"");
        start(p, Map.of("CONNECTOR_QUEUE_PROTOCOL", "api", "PIPELINE_MAX_ATTEMPTS", "3"));
        p.publish(envelope(1, "c1"));
        p.publish(envelope(2, "c1"));

        await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 1);
        GetResponse dead = p.takeDeadLetters().get(0);
        assertThat(Pipeline.header(dead, Headers.FAILURE_REASON)).isEqualTo("opencti-http-500");
        assertThat(Pipeline.header(dead, Headers.ATTEMPTS)).isEqualTo("3");
        assertThat(Pipeline.header(dead, Headers.STAGE)).isEqualTo("push");
        assertThat(Instant.parse(Pipeline.header(dead, Headers.LAST_FAILURE_AT)))
                .isAfter(Instant.parse(Pipeline.header(dead, Headers.FIRST_FAILURE_AT)));
        assertThat(p.openCti.apiBundles).anyMatch(b -> b.contains("Advisory 2\""));
    }

    @Test
    void replayedEnvelopesGetTheirOwnWork(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        start(p, Map.of());
        p.publish(envelope(1, "c1"));
        List<Pipeline.Pushed> original = awaitPushed(p, 3);
        byte[] body = new EnvelopeCodec().encode(envelope(2, "c1"));
        try (var ch = broker.connect().createChannel()) {
            ch.basicPublish(p.topology.exchange(), "work", new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .headers(Map.of(Headers.REPLAY_COUNT, 1)).deliveryMode(2).build(), body);
        }
        List<Pipeline.Pushed> replayed = awaitPushed(p, 3);
        assertThat(p.openCti.works).hasSize(2);
        await().atMost(WAIT).until(() -> p.openCti.closedWorks.size() == 2);
        assertThat(p.openCti.closedWorks).allMatch(w -> w.message().startsWith("1 e-mail(s) pushed"));
        assertThat(original).hasSize(3);
        assertThat(replayed).allMatch(m -> m.message().get("work_id").isNull());
    }

    @Test
    void aFullPlatformQueuePausesConsumptionUntilItDrains(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        p.openCti.queueBytes = 600L * 1024 * 1024;
        start(p, Map.of("INGESTER_PING_INTERVAL", "PT0.1S"));
        int pingsBefore = p.openCti.pings.get();
        await().atMost(WAIT).until(() -> p.openCti.pings.get() > pingsBefore + 2);
        p.publish(envelope(1, "c1"));
        // several more pings (back-pressure checks) pass and the envelope stays in our queue
        int pings = p.openCti.pings.get();
        await().atMost(WAIT).until(() -> p.openCti.pings.get() > pings + 3);
        assertThat(broker.messageCount(p.topology.workQueue())).isEqualTo(1);
        assertThat(p.takePushed()).isEmpty();

        p.openCti.queueBytes = 0;
        assertThat(awaitPushed(p, 3)).extracting(Pipeline.Pushed::type).contains("report");
    }

    @Test
    void aRefusedTokenStopsTheStartWithTheReason(TestBroker broker, TestInfo info) throws Exception {
        Pipeline p = pipeline(broker, info);
        assertThatThrownBy(() -> start(p, Map.of("OPENCTI_TOKEN", "wrong")))
                .isInstanceOf(OpenCtiException.class).hasMessageContaining("AUTH_REQUIRED");
        assertThat(p.openCti.registrations.get()).isZero();
    }
}
