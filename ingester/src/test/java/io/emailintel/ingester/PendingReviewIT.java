package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.ingester.stix.StixIds;
import io.emailintel.ingester.stix.Tlp;
import io.emailintel.model.Envelope;
import io.emailintel.ops.Health;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CONNECTOR_VALIDATE_BEFORE_IMPORT=true, as pycti's send_stix2_bundle does it for an external-import connector
 * (validation mode "workbench"): each bundle is uploaded with uploadPending for analyst review, nothing is pushed.
 */
@ExtendWith(RabbitBrokerExtension.class)
class PendingReviewIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyReportGoesToAnalystReviewAndNothingIsImported(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "review")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("review"));
            p.declare();
            List<Envelope> envelopes = List.of(IngesterIT.envelope(1, "c1"), IngesterIT.envelope(2, "c1"));
            for (Envelope e : envelopes) {
                p.publish(e);
            }
            try (Ingester ingester = Ingester.start(p.config(Map.of("CONNECTOR_VALIDATE_BEFORE_IMPORT", "true")),
                    Clock.systemUTC(), Sleeper.SYSTEM, () -> false, new SimpleMeterRegistry(), new Health())) {
                await().atMost(WAIT).until(() -> openCti.pendingFiles.size() == 2 && ingester.idle());
            }
            for (Envelope e : envelopes) {
                String reportId = StixIds.reportId(e.subject(), e.receivedAt());
                FakeOpenCti.PendingFile file = openCti.pendingFiles.stream()
                        .filter(f -> f.name().equals(reportId + ".json")).findFirst().orElseThrow();
                assertThat(file.mimeType()).isEqualTo("application/json");
                assertThat(file.fileMarkings()).containsExactly(Tlp.AMBER_STRICT.markingId());
                JsonNode bundle = new ObjectMapper().readTree(file.content());
                assertThat(bundle.path("type").asText()).isEqualTo("bundle");
                assertThat(bundle.path("objects").findValuesAsText("id")).contains(reportId);
            }
            assertThat(p.takePushed()).as("nothing on the platform's push queue").isEmpty();
            assertThat(openCti.apiBundles).isEmpty();
            assertThat(openCti.expectations.get()).as("pycti adds no expectations for a pending file").isZero();
        }
    }
}
