package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.ingester.FakeOpenCti;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12: the platform's work bookkeeping must never discard a push. Three ingesters on one connector id, the
 * platform's worker slower than the ingesters (its queue backs up by many sweep intervals), the connector
 * manager's sweep running at a test-sized interval, an outage that sends e-mails through the retry tiers into
 * the dead-letter queue, and a {@code dlq replay} while the platform is still draining (docs/OPENCTI-WORKS.md).
 */
@ExtendWith(RabbitBrokerExtension.class)
class PlatformSweepIT {

    private static final int EMAILS = Rig.sizeFromProperty(2000);
    private static final Duration SWEEP = Duration.ofSeconds(1);
    /** The platform's worker: 4 consumers × 40 ms an object = 100 push messages a second, 3 per e-mail. */
    private static final int WORKER_CONSUMERS = 4;
    private static final Duration WORKER_PER_MESSAGE = Duration.ofMillis(40);
    private static final Pattern PUSHED = Pattern.compile("^(\\d+) e-mail\\(s\\) pushed to OpenCTI's queue");
    private static final Pattern DEAD = Pattern.compile(", (\\d+) dead-lettered");

    @Test
    void threeIngestersOneConnectorSlowPlatformSweepRetriesAndReplayImportEveryEmailOnce(TestBroker broker)
            throws Exception {
        try (Rig rig = new Rig(broker, "sweep", EMAILS, WORKER_CONSUMERS, WORKER_PER_MESSAGE)) {
            rig.openCti.sweepEvery(SWEEP);
            Map<String, String> ingester = Map.of("PIPELINE_MAX_ATTEMPTS", "2", "INGESTER_QUICK_RETRIES", "1");
            Instant from = Instant.now();
            rig.startIngester(ingester);
            rig.startIngester(ingester);
            rig.startIngester(ingester);
            rig.startFetcher();
            long deepest = 0;
            while (rig.openCti.imports.isEmpty()) {
                Thread.sleep(100);
            }
            // under load: the platform's broker refuses (nacks) every push for 6 s, and its API answers 502 for the first
            // 2 (the circuit opens and holds the e-mails back); then the circuit's probes pass, e-mails are tried
            // again and fail again: through the retry tiers into the dead-letter queue (PIPELINE_MAX_ATTEMPTS=2)
            rig.openCti.refusePushes(true);
            rig.openCti.failStatus = 502;
            for (int i = 0; i < 60; i++) {
                Thread.sleep(100);
                deepest = Math.max(deepest, rig.openCti.pushQueueDepth());
                if (i == 20) {
                    rig.openCti.failStatus = 0;
                }
            }
            rig.openCti.refusePushes(false);
            // then 2 s with no queue bound at all: every push message is returned (mandatory), the other fault that
            // lost an e-mail before pushes were sealed (PushPublisher / ConfirmTracker)
            rig.openCti.routePushes(false);
            for (int i = 0; i < 20; i++) {
                Thread.sleep(100);
                deepest = Math.max(deepest, rig.openCti.pushQueueDepth());
            }
            rig.openCti.routePushes(true);
            // the dead letters of the outage, replayed while the platform's queue is still far behind
            // once every retry of the outage has settled: the dead-letter count stays put for 3 s
            long deadBeforeReplay = -1;
            for (Instant stable = Instant.now(), giveUp = Instant.now().plusSeconds(60);
                 Instant.now().isBefore(giveUp) && Duration.between(stable, Instant.now()).toSeconds() < 3; ) {
                long now = rig.deadLetterCount();
                if (now != deadBeforeReplay) {
                    deadBeforeReplay = now;
                    stable = Instant.now();
                }
                deepest = Math.max(deepest, rig.openCti.pushQueueDepth());
                Thread.sleep(100);
            }
            assertThat(deadBeforeReplay).as("the outage sent e-mails through the retry tiers to the dead letters")
                    .isPositive();
            long depthAtReplay = rig.openCti.pushQueueDepth();
            assertThat(rig.runIngesterCommand("dlq", "replay", "--all")).as("dlq replay exit code").isZero();
            Instant deadline = Instant.now().plusSeconds(240);
            while (Instant.now().isBefore(deadline) && (rig.distinctReports() < EMAILS || rig.workCount() > 0
                    || rig.openCti.pushQueueDepth() > 0)) {
                deepest = Math.max(deepest, rig.openCti.pushQueueDepth());
                Thread.sleep(250);
                rig.collect();
            }
            // the works close a quiet period after their last e-mail
            Instant closing = Instant.now().plusSeconds(30);
            while (rig.openCti.closedWorks.size() < rig.openCti.works.size() && Instant.now().isBefore(closing)) {
                Thread.sleep(250);
            }

            // the name is the row's key in RELIABILITY.md: what was measured goes to the log line below
            Tally t = rig.tally("3 ingesters, one connector id; platform worker " + WORKER_CONSUMERS + " × "
                    + WORKER_PER_MESSAGE.toMillis() + " ms an object, sweep every " + SWEEP.toSeconds() + " s; "
                    + "pushes nacked 6 s (API 502 the first 2), then returned 2 s → retry tiers → dead letters; "
                    + "dlq replay during the drain", from);
            System.out.println("reliability: sweep scenario: push queue up to " + deepest + " messages ≈ "
                    + secondsBehind(deepest) + " s behind = " + secondsBehind(deepest) / SWEEP.toSeconds()
                    + " sweep intervals; " + deadBeforeReplay + " dead-lettered through the retry tiers; dlq replay "
                    + "with " + depthAtReplay + " messages queued; " + rig.openCti.droppedMessages.get()
                    + " push messages dropped by the platform");
            ReliabilityTable.record(t);
            if (t.lost() > 0) {
                System.out.println("reliability: lost " + t.lost() + "; in the platform's worker, unsettled: "
                        + rig.openCti.workerInFlight() + ", push queue " + rig.openCti.pushQueueDepth()
                        + ", discarded " + rig.openCti.discardedMessages + ", refused by the platform "
                        + rig.openCti.rejectedByPlatform);
                rig.printPushedNotImported();
            }
            assertThat(t.lost()).as("lost").isZero();
            assertThat(t.duplicated()).as("duplicated").isZero();
            assertThat(t.ingested()).as("every e-mail imported, by id").isEqualTo(EMAILS);
            assertThat(t.deadLettered()).as("nothing left dead-lettered after the replay").isZero();
            assertThat(rig.openCti.droppedMessages.get()).as("push messages the platform dropped").isZero();
            assertThat(rig.openCti.discardedMessages).as("push messages the platform could not read").isEmpty();
            assertThat(rig.openCti.expectations.get()).as("expectations the ingesters registered").isZero();
            assertThat(secondsBehind(deepest) / SWEEP.toSeconds()).as("sweep intervals the queue was behind")
                    .isGreaterThanOrEqualTo(30);
            assertWorksClosedWithTheRightCounts(rig, deadBeforeReplay);
            System.out.println("reliability: sweep scenario: " + rig.openCti.works.size() + " works, "
                    + rig.openCti.sweptWorks.size() + " swept, deepest push queue " + deepest);
        }
    }

    /** How long the platform's worker takes to work through {@code messages} queued push messages. */
    private static long secondsBehind(long messages) {
        return messages * WORKER_PER_MESSAGE.toMillis() / WORKER_CONSUMERS / 1000;
    }

    /**
     * Every work the ingesters opened was closed by them (none by the platform), marked in error exactly when
     * it had a dead letter; over all works, one push per e-mail and one dead letter per dead-lettered e-mail.
     */
    private static void assertWorksClosedWithTheRightCounts(Rig rig, long deadLettered) {
        FakeOpenCti openCti = rig.openCti;
        assertThat(openCti.closedWorks).extracting(FakeOpenCti.ClosedWork::id)
                .containsExactlyInAnyOrderElementsOf(openCti.works);
        assertThat(openCti.works).allMatch(openCti::isWorkAlive);
        long pushed = 0;
        long dead = 0;
        for (FakeOpenCti.ClosedWork w : openCti.closedWorks) {
            Matcher m = PUSHED.matcher(w.message());
            assertThat(m.find()).as("work message %s", w.message()).isTrue();
            Matcher deadMatch = DEAD.matcher(w.message());
            long d = deadMatch.find() ? Long.parseLong(deadMatch.group(1)) : 0;
            assertThat(w.inError()).as("in error: %s", w.message()).isEqualTo(d > 0);
            pushed += Long.parseLong(m.group(1));
            dead += d;
        }
        assertThat(pushed).as("e-mails pushed, over all works").isEqualTo(rig.emails);
        assertThat(dead).as("dead letters, over all works").isEqualTo(deadLettered);
    }
}
