package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                // from the moment it runs: on a busy machine the JVM start alone can outlast the random pause
                rig.awaitLog(fetcher, "fetch cycle", Duration.ofSeconds(60));
                Thread.sleep(1_500 + random.nextInt(2_500));
                Rig.kill9(fetcher);
                fetcher = rig.startFetcher();
            }
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            assertClean(rig.tally("kill -9 fetcher ×10", from));
        }
    }

    /**
     * Each kill lands while the victim holds a bundle that OpenCTI has taken but not yet answered, with
     * envelopes still waiting on the work queue. Victims push over the api protocol, each incarnation to its own
     * URL path, so the fake tells their pushes apart; every OpenCTI answer is 400 ms late. Two victims are
     * killed in turn (one restarts while the other is killed), a third ingester (api protocol as well) runs
     * throughout. The evidence
     * that a kill hit between push and ack: the envelope is redelivered and its report pushed again (raw
     * re-pushes ≥ kills).
     */
    @Test
    void ingesterKilledMidBatchLosesNothing(TestBroker broker) throws Exception {
        int kills = 6;
        try (Rig rig = new Rig(broker, "ingesterkill", EMAILS)) {
            rig.openCti.responseDelayMillis = 400;
            Instant from = Instant.now();
            // api protocol too: its pace is OpenCTI's (over amqp it would drain the queue before the victims restart)
            rig.startIngester(Map.of("CONNECTOR_QUEUE_PROTOCOL", "api", "INGESTER_CONCURRENCY", "4",
                    "INGESTER_PREFETCH", "4"));
            String[] paths = {"/victim-a0", "/victim-b0"};
            Process[] victims = {rig.startIngester(victimEnv(rig, paths[0])), rig.startIngester(victimEnv(rig, paths[1]))};
            rig.startFetcher();
            List<Integer> heldAtKill = new ArrayList<>();
            for (int kill = 0; kill < kills; kill++) {
                int v = kill % 2;
                Instant deadline = Instant.now().plusSeconds(60);
                while (rig.openCti.acceptedUnanswered(paths[v]) == 0) {
                    assertThat(Instant.now()).as("kill %d: victim %s holds an unanswered push", kill, paths[v])
                            .isBefore(deadline);
                    Thread.sleep(5);
                }
                int held = rig.openCti.acceptedUnanswered(paths[v]);
                long queued = rig.workCount();
                Rig.kill9(victims[v]);
                heldAtKill.add(held);
                assertThat(queued).as("kill %d lands with work still queued", kill).isPositive();
                paths[v] = "/victim-" + (char) ('a' + v) + (kill / 2 + 1);
                victims[v] = rig.startIngester(victimEnv(rig, paths[v]));
            }
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            Tally t = rig.tally("kill -9 ingester ×" + kills + " mid-batch: pushed, not acked (2 victims in turn, "
                    + "1 other running)", from);
            assertClean(t);
            assertThat(t.rawRePushes()).as("re-pushes of bundles the killed ingesters never acked (held at each kill: "
                    + heldAtKill + ")").isGreaterThanOrEqualTo(kills);
            System.out.println("reliability: bundles taken by OpenCTI but unanswered at each kill: " + heldAtKill);
        }
    }

    private static Map<String, String> victimEnv(Rig rig, String path) {
        return Map.of("CONNECTOR_QUEUE_PROTOCOL", "api", "OPENCTI_URL", rig.openCtiUrlForProcesses + path,
                "INGESTER_CONCURRENCY", "4", "INGESTER_PREFETCH", "32");
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
                rig.awaitLog(fetcher, "fetch cycle", Duration.ofSeconds(60));
                exits.add(Rig.sigterm(fetcher));
                fetcher = rig.startFetcher();
                for (int i = 0; i < ingesters.size(); i++) {
                    Thread.sleep(1_500);
                    rig.awaitLog(ingesters.get(i), "running:", Duration.ofSeconds(60));
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
