package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OpenCTI failing, transiently (circuit breaker's job) and permanently for some bundles (dead letter, replay). */
@ExtendWith(RabbitBrokerExtension.class)
class OpenCtiFaultIT {

    private static final int EMAILS = Rig.sizeFromProperty(300);
    private static final Duration DRAIN = Duration.ofSeconds(Math.max(120, EMAILS / 5));

    @Test
    void openCtiAnswering502ForAStretchThenBackLosesAndDeadLettersNothing(TestBroker broker) throws Exception {
        try (Rig rig = new Rig(broker, "cti502", EMAILS)) {
            Instant from = Instant.now();
            rig.startIngester();
            rig.startIngester();
            rig.startFetcher();
            Thread.sleep(3_000);
            rig.openCti.failStatus = 502;
            Thread.sleep(10_000);
            rig.openCti.failStatus = 0;
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            ProcessKillIT.assertClean(rig.tally("OpenCTI HTTP 502 for 10 s, then back", from));
        }
    }

    @Test
    void bundlesRejectedPermanentlyAreTheOnlyDeadLettersAndReplayLandsThem(TestBroker broker) throws Exception {
        try (Rig rig = new Rig(broker, "ctireject", EMAILS)) {
            Set<String> rejected = Set.of("\"advisory 5\"", "\"advisory 50\"", "\"advisory 150\"");
            rig.openCti.rejectBundle = b -> rejected.stream().anyMatch(b::contains);
            Instant from = Instant.now();
            Map<String, String> api = Map.of("CONNECTOR_QUEUE_PROTOCOL", "api");
            rig.startIngester(api);
            rig.startIngester(api);
            rig.startFetcher();
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            assertThat(rig.distinctReports()).isEqualTo(EMAILS - 3);
            assertThat(rig.deadLetterCount()).as("only the rejected bundles are dead-lettered").isEqualTo(3);
            rig.openCti.rejectBundle = b -> false; // the "fix"
            assertThat(rig.runIngesterCommand("dlq", "replay", "--all")).as("dlq replay exit code").isZero();
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).isTrue();
            Instant deadline = Instant.now().plusSeconds(60);
            while (rig.distinctReports() < EMAILS && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
                rig.collect();
            }
            ProcessKillIT.assertClean(rig.tally("OpenCTI rejects 3 bundles (api protocol): 3 dead-lettered, "
                    + "all landed after fix + dlq replay", from));
        }
    }
}
