package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.ops.Health;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * stixBundlePush answers UNSUPPORTED_ERROR for a bad bundle and for an outage alike: the e-mail is retried
 * through the tiers a bounded number of times, imported when the cause passes, dead-lettered saying so when not.
 */
@ExtendWith(RabbitBrokerExtension.class)
class UnsupportedErrorIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Ingester start(Pipeline p) throws Exception {
        return Ingester.start(p.config(Map.of("CONNECTOR_QUEUE_PROTOCOL", "api", "PIPELINE_MAX_ATTEMPTS", "3")),
                Clock.systemUTC(), Sleeper.SYSTEM, () -> false, new SimpleMeterRegistry(), new Health());
    }

    @Test
    void aPassingOutageReportedAsUnsupportedErrorStillImportsTheEmail(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "unsupported-pass")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("unsupported-pass"));
            p.declare();
            AtomicInteger calls = new AtomicInteger();
            openCti.bundlePushErrorCode = b -> calls.incrementAndGet() == 1 ? "UNSUPPORTED_ERROR" : null;
            p.publish(IngesterIT.envelope(1, "c1"));
            try (Ingester ingester = start(p)) {
                await().atMost(WAIT).until(() -> openCti.apiBundles.size() == 1);
            }
            assertThat(openCti.bundlePushErrors.get()).as("no quick in-process retry of it").isEqualTo(1);
            assertThat(broker.messageCount(p.topology.deadLetterQueue())).isZero();
        }
    }

    @Test
    void aBundleRefusedEveryTimeIsDeadLetteredAfterTheTiersSayingTheCauseStayedUnknown(TestBroker broker)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "unsupported-dead")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("unsupported-dead"));
            p.declare();
            openCti.bundlePushErrorCode = b -> "UNSUPPORTED_ERROR";
            p.publish(IngesterIT.envelope(2, "c1"));
            try (Ingester ingester = start(p)) {
                await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 1);
            }
            GetResponse dead = p.takeDeadLetters().get(0);
            assertThat(new EnvelopeCodec().decode(dead.getBody()).subject()).isEqualTo("Advisory 2");
            assertThat(Pipeline.header(dead, Headers.FAILURE_REASON)).isEqualTo("opencti-unsupported-error-after-retries");
            assertThat(Pipeline.header(dead, Headers.ATTEMPTS)).isEqualTo("3");
            assertThat(Pipeline.header(dead, Headers.EXCEPTION_MESSAGE)).startsWith("after 3 attempts:")
                    .contains("UNSUPPORTED_ERROR").contains("Invalid bundle");
            assertThat(openCti.bundlePushErrors.get()).as("one call per attempt, through the tiers").isEqualTo(3);
            assertThat(openCti.apiBundles).isEmpty();
        }
    }
}
