package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The network between the processes and RabbitMQ failing while the ingesters start and under load: every
 * connection reset at once, the broker port refusing for a few seconds, then back. amqp-client's automatic recovery has to bring the
 * fetcher and the ingesters back without a restart; what was unconfirmed or unacknowledged at the cut is
 * published or delivered again.
 */
@ExtendWith(RabbitBrokerExtension.class)
class BrokerFaultIT {

    private static final int EMAILS = Rig.sizeFromProperty(300);
    private static final Duration DRAIN = Duration.ofSeconds(Math.max(120, EMAILS / 5));
    private static final int CUTS = 4;

    @Test
    void brokerConnectionsCutUnderLoadForBothProcessesLoseAndDuplicateNothing(TestBroker broker) throws Exception {
        try (Rig rig = new Rig(broker, "brokercut", EMAILS)) {
            ChaosProxy proxy = rig.proxyBroker();
            // a slow link, small pages and slow Graph answers stretch the initial sync over the cuts (the fetcher
            // pipelines pages and confirms, so the link alone no longer paces it: all 300 were in before cut 2)
            proxy.latencyMillis = 60;
            rig.graph.slowBodies(Duration.ofMillis(250));
            Instant from = Instant.now();
            List<Process> ingesters = List.of(rig.startIngester(), rig.startIngester());
            // the first cut hits the ingesters while they start: connected, not yet consuming (automatic recovery
            // does not cover that; the start-up is retried)
            Instant starting = Instant.now().plusSeconds(60);
            while (proxy.accepted() == 0) {
                assertThat(Instant.now()).as("an ingester connects").isBefore(starting);
                Thread.sleep(2);
            }
            proxy.cut();
            Thread.sleep(3_000);
            proxy.restore();
            List<Process> processes = List.of(ingesters.get(0), ingesters.get(1),
                    rig.startFetcher(Map.of("EMAIL_INTEL_MICROSOFT_PAGE_SIZE", "5")));
            rig.awaitReports(1, Duration.ofSeconds(60));
            int severed = proxy.severed();
            for (int cut = 0; cut < CUTS; cut++) {
                Thread.sleep(cut == 0 ? 500 : 2_500);
                rig.collect();
                assertThat(rig.distinctReports()).as("cut %d lands under load", cut).isLessThan(EMAILS);
                proxy.cut();
                System.out.println("reliability: cut " + cut + " at " + Instant.now() + " with " + rig.distinctReports()
                        + " reports, " + (proxy.severed() - severed) + " connections reset");
                severed = proxy.severed();
                Thread.sleep(3_000); // refused: longer than the 2 s recovery interval, so recovery fails at least once
                proxy.restore();
            }
            assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
            Tally t = rig.tally("broker connections reset + port refused 3 s: once as the ingesters start, then ×"
                    + CUTS + " under load (fetcher + 2 ingesters, via TCP proxy)", from);
            ProcessKillIT.assertClean(t);
            assertThat(processes).as("no process exited: automatic recovery, no restart").allMatch(Process::isAlive);
            // each process has a pipeline connection, each ingester a push connection as well: 5 live per cut
            // once they have recovered
            assertThat(proxy.severed()).as("connections reset by the cuts").isGreaterThanOrEqualTo(1 + CUTS * 5);
            System.out.println("reliability: broker proxy severed " + proxy.severed() + " connections, accepted "
                    + proxy.accepted());
        }
    }
}
