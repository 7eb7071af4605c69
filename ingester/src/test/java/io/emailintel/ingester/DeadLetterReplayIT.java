package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.deadletter.DeadLetter;
import io.emailintel.deadletter.DeadLetterQueue;
import io.emailintel.deadletter.DeadLetterSelector;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.ops.Health;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's loop with a real ingester running: 200 e-mails dead-lettered for mixed reasons, the cause
 * of one reason fixed, that reason replayed while the ingester consumes — exactly those land, the rest stay.
 */
@ExtendWith(RabbitBrokerExtension.class)
class DeadLetterReplayIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void replayingOneReasonWhileAnIngesterRunsLandsThoseAndKeepsTheRest(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "replay")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("replay"));
            p.declare();
            openCti.rejectBundle = b -> b.contains("\"Advisory ") && rejected(b);
            openCti.startWorker(4, Duration.ZERO); // counted as the platform's worker imports them
            Ingester ingester = Ingester.start(p.config(Map.of("CONNECTOR_QUEUE_PROTOCOL", "api")),
                    Clock.systemUTC(), Sleeper.SYSTEM, () -> false, new SimpleMeterRegistry(), new Health());
            try (ingester) {
                ObjectMapper json = new ObjectMapper();
                EnvelopeCodec codec = new EnvelopeCodec();
                for (int i = 0; i < 100; i++) { // even ones rejected by the platform: 50
                    p.publish(IngesterIT.envelope(i, "cycle-replay"));
                }
                for (int i = 0; i < 100; i++) {
                    if (i % 2 == 0) {
                        p.publish(("garbage " + i).getBytes(StandardCharsets.UTF_8)); // 50 invalid-json
                    } else {
                        ObjectNode future = (ObjectNode) json.readTree(codec.encode(IngesterIT.envelope(1000 + i, "c")));
                        future.put("schemaVersion", "9.0"); // 50 unknown-schema-version
                        p.publish(json.writeValueAsBytes(future));
                    }
                }
                await().atMost(WAIT).until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 150
                        && openCti.importedReportIds().size() == 50);

                DeadLetterQueue dlq = new DeadLetterQueue(broker.connect(), p.topology, Clock.systemUTC());
                Map<String, Integer> reasons = new HashMap<>();
                dlq.list(DeadLetterSelector.all(), 1000, DeadLetterQueue.Progress.NONE)
                        .forEach(d -> reasons.merge(d.reason(), 1, Integer::sum));
                assertThat(reasons).containsEntry("opencti-rejected", 50).containsEntry("invalid-json", 50)
                        .containsEntry("unknown-schema-version", 50);

                openCti.rejectBundle = b -> false; // the cause is fixed
                List<DeadLetter> matched = new ArrayList<>();
                DeadLetterQueue.Outcome outcome = dlq.replay(new DeadLetterSelector(Set.of(), "opencti-rejected",
                        null, null), false, matched, DeadLetterQueue.Progress.NONE);
                assertThat(outcome.moved()).isEqualTo(50);

                await().atMost(WAIT).until(() -> openCti.importedReportIds().size() == 100);
                Set<String> names = new HashSet<>();
                openCti.imports.stream().filter(i -> "report".equals(i.type())).forEach(i -> names.add(i.name()));
                assertThat(names).hasSize(100).allMatch(n -> n.matches("Advisory \\d+"));
                assertThat(openCti.droppedMessages.get()).isZero();
                await().until(() -> broker.messageCount(p.topology.deadLetterQueue()) == 100);
                Map<String, Integer> rest = new HashMap<>();
                dlq.list(DeadLetterSelector.all(), 1000, DeadLetterQueue.Progress.NONE)
                        .forEach(d -> rest.merge(d.reason(), 1, Integer::sum));
                assertThat(rest).containsOnly(Map.entry("invalid-json", 50), Map.entry("unknown-schema-version", 50));
                assertThat(openCti.works).as("the replay got its own work").hasSizeGreaterThanOrEqualTo(2);
            }
        }
    }

    private static boolean rejected(String bundle) {
        for (int i = 0; i < 100; i += 2) {
            if (bundle.contains("\"Advisory " + i + "\"")) {
                return true;
            }
        }
        return false;
    }
}
