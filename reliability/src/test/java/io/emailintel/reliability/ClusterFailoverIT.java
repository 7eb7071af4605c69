package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.LocalRabbitCluster;
import io.emailintel.testing.LocalRabbitCluster.Node;
import io.emailintel.testing.LocalRabbitCluster.QueueReplicas;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline on a local 3-node RabbitMQ cluster ({@link LocalRabbitCluster}, AMQP 5681-5683), every process
 * given all three nodes in {@code PIPELINE_RABBITMQ_URI}; OpenCTI's push queue stays on the machine's own broker,
 * as the platform's RabbitMQ is not the pipeline's. Nodes are killed, stopped, restarted and frozen under load.
 *
 * <p>What must hold, from the RabbitMQ reliability guide (https://www.rabbitmq.com/docs/reliability) and the
 * quorum queues guide (https://www.rabbitmq.com/docs/quorum-queues): a publish is confirmed once a majority of
 * the queue's replicas have it, so a confirmed envelope survives the loss of one node of three and the fetcher's
 * cursor (which moves only past confirmed envelopes) never passes an envelope a failover lost; a publish whose
 * confirm never came (connection lost) is published again; deliveries not acknowledged when a connection or a
 * leader goes away are delivered again, flagged redelivered. So: nothing lost, nothing duplicated (redeliveries
 * and republishes show as raw re-pushes of the same report id), no process restarted.
 *
 * <p>The work-queue leader kill runs in the default build (about 2 minutes with the cluster's start-up); the
 * others run with {@code -Dreliability.cluster=all}.
 */
@ExtendWith(RabbitBrokerExtension.class)
class ClusterFailoverIT {

    private static final int EMAILS = Rig.sizeFromProperty(300);
    private static final Duration DRAIN = Duration.ofSeconds(Math.max(180, EMAILS / 5));
    private static final Duration ELECTION = Duration.ofSeconds(60);

    /**
     * The long scenarios take a minute or more of faults; at full speed 300 e-mails are through in seconds. Paced:
     * the ingesters push over the api protocol, one at a time, and every OpenCTI answer is {@link #PACE_MILLIS}
     * late (about 5 e-mails/s for the two), so the faults land while the mailbox is still flowing.
     */
    private static final Map<String, String> PACED = Map.of("CONNECTOR_QUEUE_PROTOCOL", "api",
            "INGESTER_CONCURRENCY", "1", "INGESTER_PREFETCH", "2");
    private static final long PACE_MILLIS = 400;

    private static LocalRabbitCluster cluster;
    private static TestBroker pipeline;

    @BeforeAll
    static void startCluster() {
        Instant t0 = Instant.now();
        cluster = LocalRabbitCluster.start(3);
        pipeline = cluster.broker("ClusterFailoverIT");
        System.out.println("reliability: 3-node cluster " + cluster.nodes() + " up in "
                + Duration.between(t0, Instant.now()).toSeconds() + " s");
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (pipeline != null) {
                pipeline.close();
            }
        } catch (RuntimeException e) {
            System.out.println("reliability: cluster clean-up: " + e.getMessage()); // the cluster goes anyway
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** A scenario that failed half-way may have left a node down or frozen: every scenario starts on three. */
    @BeforeEach
    void everyNodeRuns() {
        for (Node n : cluster.nodes()) {
            if (n.pid() > 0) {
                cluster.thaw(n);
            } else {
                cluster.restart(n);
            }
        }
    }

    /** The broker faults of one scenario, run while the fetcher backfills and two ingesters drain. */
    private interface Fault {
        /** Injects the faults (before: the queues' replicas as the scenario started) and says what happened. */
        String inject(Rig rig, Map<String, QueueReplicas> before) throws Exception;
    }

    private static Tally run(TestBroker platform, String id, String scenario, Map<String, String> ingesterEnv,
                             Fault fault, Predicate<Tally> expected) throws Exception {
        String named = ingesterEnv == PACED ? scenario + " [paced: api protocol, answers 0.4 s late]" : scenario;
        try (Rig rig = new Rig(platform, pipeline, id, EMAILS)) {
            // asked before the processes start: a CLI call takes seconds, in which 300 e-mails can be through
            Map<String, QueueReplicas> before = cluster.replicas();
            for (String q : rig.topology.queues()) {
                assertThat(before.get(q).members()).as("replicas of %s", q).hasSize(Topology.REPLICAS)
                        .containsExactlyInAnyOrderElementsOf(cluster.nodes().stream().map(Node::name).toList());
            }
            Instant from = Instant.now();
            List<Process> processes = new ArrayList<>(List.of(rig.startIngester(ingesterEnv),
                    rig.startIngester(ingesterEnv)));
            // small pages, each waiting for its confirms, stretch the backfill over the faults
            processes.add(rig.startFetcher(Map.of("EMAIL_INTEL_MICROSOFT_PAGE_SIZE", "5")));
            String events;
            Tally t;
            try (ProgressWatch watch = new ProgressWatch(() -> reports(rig))) {
                events = fault.inject(rig, before);
                assertThat(rig.awaitDrained(EMAILS, DRAIN)).as("drained").isTrue();
                t = rig.tally(named, from);
                watch.close();
                System.out.println("reliability: " + t + "; longest stall " + watch.longestStall() + "; " + events);
                ClusterTable.record(t, watch.longestStall(), events);
            }
            assertThat(t.lost()).as("lost: " + t).isZero();
            assertThat(t.duplicated()).as("duplicated: " + t).isZero();
            assertThat(expected).as("expected outcome: " + t).accepts(t);
            assertThat(processes).as("no process exited: failover by automatic recovery, no restart")
                    .allMatch(Process::isAlive);
            return t;
        }
    }

    private static int reports(Rig rig) {
        rig.collect();
        return rig.distinctReports();
    }

    private static Predicate<Tally> allIngested() {
        return t -> t.ingested() == t.emails() && t.deadLettered() == 0;
    }

    @Test
    void workQueueLeaderKilledUnderLoadThenRestartedLosesAndDuplicatesNothing(TestBroker platform) throws Exception {
        run(platform, "leaderkill", "cluster: kill -9 of the work queue's leader under load, restarted 10 s later "
                + "(fetcher backfilling, 2 ingesters)", Map.of(), (rig, before) -> {
                    Node leader = cluster.node(before.get(rig.topology.workQueue()).leader());
                    rig.awaitReports(10, Duration.ofSeconds(90));
                    int atKill = reports(rig);
                    assertThat(atKill).as("the kill lands under load").isLessThan(EMAILS);
                    Instant killed = Instant.now();
                    cluster.kill9(leader);
                    Node next = awaitNewLeader(rig.topology.workQueue(), leader);
                    Duration election = Duration.between(killed, Instant.now());
                    Thread.sleep(10_000);
                    int duringOutage = reports(rig);
                    assertThat(duringOutage).as("the pipeline goes on with two nodes of three")
                            .isGreaterThan(Math.min(atKill, EMAILS - 1));
                    cluster.restart(leader);
                    awaitAllOnline(rig.topology.workQueue());
                    return "killed " + leader.name() + " (leader of every queue) at " + atKill + " reports; "
                            + next.name() + " leads work after ≤ " + election.toSeconds() + " s; "
                            + (duringOutage - atKill) + " reports on 2 nodes; restarted, rejoined";
                }, allIngested());
    }

    @Test
    @EnabledIfSystemProperty(named = "reliability.cluster", matches = "all")
    void followerStoppedAndRestartedLosesAndDuplicatesNothing(TestBroker platform) throws Exception {
        run(platform, "followerstop", "cluster: a follower stopped (rabbitmqctl stop) under load, restarted 10 s later",
                PACED, (rig, before) -> {
                    rig.openCti.responseDelayMillis = PACE_MILLIS;
                    Node leader = cluster.node(before.get(rig.topology.workQueue()).leader());
                    rig.awaitReports(10, Duration.ofSeconds(90));
                    Node follower = cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
                    cluster.stop(follower);
                    Thread.sleep(10_000);
                    assertThat(cluster.leaderOf(rig.topology.workQueue())).as("the leader stays").isSameAs(leader);
                    cluster.restart(follower);
                    awaitAllOnline(rig.topology.workQueue());
                    return "stopped " + follower.name() + " (follower), leader " + leader.name() + " kept";
                }, allIngested());
    }

    @Test
    @EnabledIfSystemProperty(named = "reliability.cluster", matches = "all")
    void rollingRestartOfAllThreeNodesLosesAndDuplicatesNothing(TestBroker platform) throws Exception {
        run(platform, "rollingnodes", "cluster: rolling restart of all three nodes under load (stop, start, "
                + "wait for the replicas, next)", PACED, (rig, before) -> {
                    rig.openCti.responseDelayMillis = PACE_MILLIS;
                    rig.awaitReports(10, Duration.ofSeconds(90));
                    Set<String> leaders = new LinkedHashSet<>();
                    leaders.add(cluster.replicas(rig.topology.workQueue()).leader());
                    for (Node n : cluster.nodes()) {
                        cluster.stop(n);
                        Thread.sleep(2_000);
                        cluster.restart(n);
                        awaitAllOnline(rig.topology.workQueue());
                        leaders.add(cluster.replicas(rig.topology.workQueue()).leader());
                    }
                    return "work queue led in turn by " + leaders;
                }, allIngested());
    }

    @Test
    @EnabledIfSystemProperty(named = "reliability.cluster", matches = "all")
    void leaderFrozenLongerThanTheHeartbeatLosesAndDuplicatesNothing(TestBroker platform) throws Exception {
        int freeze = 30;
        run(platform, "leaderfreeze", "cluster: the work queue's leader frozen (SIGSTOP) " + freeze + " s under load, "
                + "heartbeat 10 s, then SIGCONT", PACED, (rig, before) -> {
                    rig.openCti.responseDelayMillis = PACE_MILLIS;
                    Node leader = cluster.node(before.get(rig.topology.workQueue()).leader());
                    rig.awaitReports(10, Duration.ofSeconds(90));
                    int atFreeze = reports(rig);
                    cluster.freeze(leader);
                    Instant frozen = Instant.now();
                    Thread.sleep(freeze * 1000L);
                    int duringFreeze = reports(rig);
                    cluster.thaw(leader);
                    Node after = awaitLeaderRunning(rig.topology.workQueue());
                    awaitAllOnline(rig.topology.workQueue());
                    return "froze " + leader.name() + " for " + Duration.between(frozen, Instant.now()).toSeconds()
                            + " s at " + atFreeze + " reports, " + (duringFreeze - atFreeze)
                            + " reports meanwhile; leader after: " + after.name();
                }, allIngested());
    }

    /**
     * Some bundles fail (HTTP 500) until the "fix", so their e-mails cycle through the retry tiers; some are refused
     * (VALIDATION_ERROR) and wait in the dead-letter queue. The leaders of the last retry tier and of the dead-letter
     * queue are killed (one at a time, each restarted) while messages wait there.
     */
    @Test
    @EnabledIfSystemProperty(named = "reliability.cluster", matches = "all")
    void retryTierAndDeadLetterLeadersLostWhileMessagesWaitLoseNothing(TestBroker platform) throws Exception {
        Set<String> failing = new LinkedHashSet<>();
        Set<String> refused = new LinkedHashSet<>();
        for (int i = 0; i < EMAILS; i++) {
            if (i % 10 == 5) {
                failing.add("\"" + Rig.subject(i) + "\"");
            } else if (i % 30 == 7) {
                refused.add("\"" + Rig.subject(i) + "\"");
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("CONNECTOR_QUEUE_PROTOCOL", "api"); // every bundle is an OpenCTI call the fake can fail or refuse
        env.put("PIPELINE_MAX_ATTEMPTS", "100"); // the failing ones cycle through the tiers until the fix
        Tally t = run(platform, "retrydeadleaders", "cluster: leaders of the last retry tier and of the dead-letter "
                + "queue killed (in turn, each restarted) while messages wait there (10 % failing until fixed, "
                + refused.size() + " refused; api protocol)", env, (rig, before) -> {
                    rig.openCti.failBundle = b -> failing.stream().anyMatch(b::contains);
                    rig.openCti.rejectBundle = b -> refused.stream().anyMatch(b::contains);
                    String retry = rig.topology.retryTiers().get(rig.topology.retryTiers().size() - 1).queue();
                    String dead = rig.topology.deadLetterQueue();
                    List<String> events = new ArrayList<>();
                    for (String queue : List.of(retry, dead)) {
                        Instant deadline = Instant.now().plusSeconds(120);
                        while (pipeline.messageCount(queue) == 0) {
                            assertThat(Instant.now()).as("messages wait in %s", queue).isBefore(deadline);
                            Thread.sleep(20);
                        }
                        long waiting = pipeline.messageCount(queue);
                        Node leader = cluster.leaderOf(queue);
                        cluster.kill9(leader);
                        Node next = awaitNewLeader(queue, leader);
                        Thread.sleep(5_000);
                        cluster.restart(leader);
                        awaitAllOnline(queue);
                        events.add("killed " + leader.name() + " leading " + queue.substring(queue.lastIndexOf('.') + 1)
                                + " with " + waiting + " waiting; " + next.name() + " took over");
                    }
                    Instant deadline = Instant.now().plusSeconds(120);
                    while (pipeline.messageCount(dead) < refused.size()) {
                        assertThat(Instant.now()).as("every refused e-mail dead-lettered").isBefore(deadline);
                        Thread.sleep(200);
                    }
                    rig.openCti.failBundle = b -> false; // the "fix"
                    return String.join("; ", events);
                }, tally -> tally.deadLettered() == refused.size() && tally.ingested() == EMAILS - refused.size());
        assertThat(t.deadLetterReasons().keySet()).as("dead-letter reasons").hasSize(1);
    }

    /**
     * Two nodes of three stopped: no queue has a majority. The third node, with {@code pause_minority}, pauses
     * itself and closes every client connection; the processes retry their connections (every 2 s, amqp-client's
     * recovery interval) until the two nodes are back, then go on. What the operator sees meanwhile: no node
     * accepts connections, the processes' /health/ready says the broker is down, their logs show the failed
     * recoveries.
     */
    @Test
    @EnabledIfSystemProperty(named = "reliability.cluster", matches = "all")
    void quorumLostFor20SecondsThenRegainedLosesAndDuplicatesNothing(TestBroker platform) throws Exception {
        run(platform, "quorumlost", "cluster: 2 of 3 nodes stopped 20 s under load (no quorum; the third pauses, "
                + "pause_minority), then both restarted", PACED, (rig, before) -> {
                    rig.openCti.responseDelayMillis = PACE_MILLIS;
                    Node leader = cluster.node(before.get(rig.topology.workQueue()).leader());
                    rig.awaitReports(10, Duration.ofSeconds(90));
                    List<Node> others = cluster.nodes().stream().filter(n -> n != leader).toList();
                    int atLoss = reports(rig);
                    Instant lost = Instant.now();
                    for (Node n : others) {
                        cluster.stop(n);
                    }
                    Thread.sleep(20_000);
                    int duringLoss = reports(rig);
                    cluster.restart(others.toArray(Node[]::new));
                    awaitAllOnline(rig.topology.workQueue());
                    return "stopped " + others.stream().map(Node::name).toList() + " at " + atLoss + " reports; "
                            + (duringLoss - atLoss) + " reports in the " + Duration.between(lost, Instant.now())
                            .toSeconds() + " s without quorum; back with all three";
                }, allIngested());
    }

    private static Node awaitNewLeader(String queue, Node old) throws InterruptedException {
        Instant deadline = Instant.now().plus(ELECTION);
        while (true) {
            try {
                String leader = cluster.replicas(queue).leader();
                if (!leader.equals(old.name()) && cluster.node(leader).pid() > 0) {
                    return cluster.node(leader);
                }
            } catch (IllegalStateException | IllegalArgumentException e) {
                // asked during the election: ask again
            }
            assertThat(Instant.now()).as("a new leader of %s after %s was lost", queue, old.name()).isBefore(deadline);
            Thread.sleep(250);
        }
    }

    private static Node awaitLeaderRunning(String queue) throws InterruptedException {
        Instant deadline = Instant.now().plus(ELECTION);
        while (true) {
            try {
                return cluster.leaderOf(queue);
            } catch (IllegalStateException | IllegalArgumentException e) {
                assertThat(Instant.now()).as("a leader of %s", queue).isBefore(deadline);
                Thread.sleep(250);
            }
        }
    }

    private static void awaitAllOnline(String queue) throws InterruptedException {
        Instant deadline = Instant.now().plus(ELECTION);
        while (true) {
            try {
                if (cluster.replicas(queue).online().size() == cluster.nodes().size()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // a node still starting its queues
            }
            assertThat(Instant.now()).as("all replicas of %s online", queue).isBefore(deadline);
            Thread.sleep(500);
        }
    }
}
