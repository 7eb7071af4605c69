package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kill -9 and SIGTERM of real fetcher and ingester processes under load: nothing lost, nothing duplicated. */
@ExtendWith(RabbitBrokerExtension.class)
class ProcessKillIT {

    private static final int EMAILS = Rig.sizeFromProperty(300);
    private static final Duration DRAIN = Duration.ofSeconds(Math.max(120, EMAILS / 5));

    @Test
    void fetcherKilledTenTimesLosesAndDuplicatesNothing(TestBroker broker) throws Exception {
        Random random = new Random(42);
        try (Rig rig = new Rig(broker, "fetcherkill", EMAILS)) {
            Instant from = Instant.now();
            rig.startIngester();
            Process fetcher = rig.startFetcher();
            for (int kill = 0; kill < 10; kill++) {
                Thread.sleep(1_500 + random.nextInt(2_500));
                Rig.kill9(fetcher);
                fetcher = rig.startFetcher();
            }
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            assertClean(rig.tally("kill -9 fetcher ×10", from));
        }
    }

    @Test
    void ingesterKilledMidBatchWithTwoOthersRunningLosesNothing(TestBroker broker) throws Exception {
        Random random = new Random(7);
        try (Rig rig = new Rig(broker, "ingesterkill", EMAILS)) {
            Instant from = Instant.now();
            rig.startIngester();
            rig.startIngester();
            Process victim = rig.startIngester();
            rig.startFetcher();
            for (int kill = 0; kill < 6; kill++) {
                Thread.sleep(2_000 + random.nextInt(2_000));
                Rig.kill9(victim);
                victim = rig.startIngester();
            }
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            assertClean(rig.tally("kill -9 ingester ×6 (2 others running)", from));
        }
    }

    @Test
    void rollingSigtermRestartOfEveryProcessUnderLoad(TestBroker broker) throws Exception {
        try (Rig rig = new Rig(broker, "rolling", EMAILS)) {
            Instant from = Instant.now();
            List<Process> ingesters = new ArrayList<>(List.of(rig.startIngester(), rig.startIngester()));
            Process fetcher = rig.startFetcher();
            List<Integer> exits = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                Thread.sleep(2_000);
                exits.add(Rig.sigterm(fetcher));
                fetcher = rig.startFetcher();
                for (int i = 0; i < ingesters.size(); i++) {
                    Thread.sleep(1_500);
                    exits.add(Rig.sigterm(ingesters.get(i)));
                    ingesters.set(i, rig.startIngester());
                }
            }
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            Tally t = rig.tally("rolling SIGTERM restart ×2 (fetcher + 2 ingesters)", from);
            assertClean(t);
            assertThat(exits).as("exit codes after SIGTERM").allMatch(c -> c == 0);
        }
    }

    static void assertClean(Tally t) {
        System.out.println("reliability: " + t);
        ReliabilityTable.record(t);
        assertThat(t.lost()).as("lost: " + t).isZero();
        assertThat(t.duplicated()).as("duplicated: " + t).isZero();
        assertThat(t.deadLettered()).as("dead-lettered: " + t).isZero();
        assertThat(t.ingested()).as("ingested: " + t).isEqualTo(t.emails());
    }
}
