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

    /**
     * OpenCTI down in three ways in a row, under load: its port refuses connections, then it answers HTTP 502,
     * then (after 0.5 s back, so pushes are in flight again) it answers slower than the ingesters' timeout (it
     * does the work, the answer comes too late), then it is back. Both ingesters push over the api protocol.
     */
    @Test
    void openCtiRefusingThen502ThenTooSlowThenBackLosesAndDeadLettersNothing(TestBroker broker) throws Exception {
        try (Rig rig = new Rig(broker, "ctidown", EMAILS)) {
            ChaosProxy proxy = rig.proxyOpenCti();
            // the api protocol: every bundle is an OpenCTI call (over amqp, bundles go to the platform's broker and
            // only the work bookkeeping talks to OpenCTI, in the background: an outage hardly slows it)
            Map<String, String> api = Map.of("INGESTER_PUSH_TIMEOUT", "PT2S", "CONNECTOR_QUEUE_PROTOCOL", "api",
                    "INGESTER_CONCURRENCY", "2");
            Instant from = Instant.now();
            rig.startIngester(api);
            rig.startIngester(api);
            rig.startFetcher();
            rig.awaitReports(1, Duration.ofSeconds(60));

            assertUnderLoad(rig, "refused");
            proxy.cut(); // connection refused (and the kept-alive connections reset)
            Thread.sleep(4_000);
            proxy.restore();
            int before502 = rig.openCti.requests.get();
            assertUnderLoad(rig, "502");
            rig.openCti.failStatus = 502;
            Thread.sleep(4_000);
            rig.openCti.failStatus = 0;
            int answered502 = rig.openCti.requests.get() - before502;
            // back for 0.5 s, so that the circuits close and pushes are in flight when the answers slow down
            Thread.sleep(500);
            int beforeSlow = rig.openCti.requests.get();
            assertUnderLoad(rig, "slow");
            rig.openCti.responseDelayMillis = 3_000; // past the 2 s INGESTER_PUSH_TIMEOUT
            Thread.sleep(6_000);
            rig.openCti.responseDelayMillis = 0;
            int answeredSlow = rig.openCti.requests.get() - beforeSlow;

            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            Tally t = rig.tally("OpenCTI down: connection refused 4 s → HTTP 502 4 s → (0.5 s up) → answers 3 s late, "
                    + "timeout 2 s, for 6 s → back (2 api-protocol ingesters)", from);
            ProcessKillIT.assertClean(t);
            assertThat(answered502).as("requests answered 502 (the ingesters kept probing)").isPositive();
            assertThat(answeredSlow).as("requests answered too late").isPositive();
            System.out.println("reliability: OpenCTI refused " + proxy.severed() + " live connections reset; "
                    + answered502 + " requests answered 502, " + answeredSlow + " answered too late");
        }
    }

    private static void assertUnderLoad(Rig rig, String phase) throws Exception {
        rig.collect();
        assertThat(rig.distinctReports()).as("the %s phase starts under load", phase).isLessThan(EMAILS);
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
