package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStore;
import io.emailintel.model.Envelope;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.BrokerUri;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch cycle alone: an in-memory folder behind the {@link Mailbox} port, the cursor in a file, the real local
 * RabbitMQ (the cycle's confirms are the broker's).
 */
@ExtendWith(RabbitBrokerExtension.class)
class FetchCycleIT {

    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(10));
    private static final Duration OVERLAP = Duration.ofMinutes(10);
    private static final Instant T = Instant.now().minus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path tmp;

    private static FetchCycle cycle(Mailbox mailbox, Path stateDir, Connection connection, Topology topology,
                                    Clock clock) {
        return new FetchCycle(mailbox, store(stateDir), connection, topology, clock, MemoryMailbox.MAILBOX, "Inbox",
                Duration.ofDays(30), OVERLAP, Duration.ofSeconds(10), () -> false,
                new FetcherMetrics(new SimpleMeterRegistry()));
    }

    private static CursorStore store(Path stateDir) {
        return new CursorStore(stateDir, MemoryMailbox.MAILBOX, "Inbox");
    }

    private static List<String> published(Connection connection, Topology topology) throws Exception {
        return GraphFixture.drain(connection, topology.workQueue()).stream().map(Envelope::source)
                .map(s -> s.messageId()).toList();
    }

    /** A clock one second further on at every reading: every commit is due, so each page's end is written. */
    private static Clock ticking() {
        AtomicLong seconds = new AtomicLong();
        Instant start = Instant.now();
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return start.plusSeconds(seconds.getAndIncrement());
            }
        };
    }

    @Test
    void envelopesArePublishedInListingOrderAcrossPagesThenOnlyNewMail(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("order"), DELAYS);
        Connection connection = broker.connect();
        MemoryMailbox mailbox = new MemoryMailbox(4);
        List<Integer> arrival = new ArrayList<>(IntStream.range(0, 10).boxed().toList());
        Collections.shuffle(arrival, new Random(13)); // added in one order, received in another
        arrival.forEach(i -> mailbox.add("m" + i, T.plus(i, ChronoUnit.MINUTES)));

        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();

        assertThat(published(connection, topology))
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(store(tmp).load()).get().satisfies(state -> {
            assertThat(state.phase()).isEqualTo(CursorState.Phase.DELTA);
            assertThat(state.caughtUp()).isTrue();
            assertThat(state.watermark()).isEqualTo(T.plus(9, ChronoUnit.MINUTES));
        });

        mailbox.add("late", T.minus(1, ChronoUnit.DAYS)); // moved in with an old received time
        mailbox.add("new", Instant.now());
        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();

        assertThat(published(connection, topology)).containsExactly("late", "new");
    }

    @Test
    void aDeltaLinkRejectedWhilePagingRestartsTheRoundOnceAfterThePageInHandIsCommitted(TestBroker broker)
            throws Exception {
        Topology topology = broker.declare(broker.prefix("resync"), DELAYS);
        Connection connection = broker.connect();
        MemoryMailbox mailbox = new MemoryMailbox(2);
        IntStream.range(0, 6).forEach(i -> mailbox.add("old" + i, T.plus(i, ChronoUnit.MINUTES)));
        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();
        assertThat(published(connection, topology)).hasSize(6);

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        IntStream.range(0, 6).forEach(i -> mailbox.add("new" + i, now.plusSeconds(i)));
        // the second page of the changes is gone by the time it is asked for (an evicted sync generation)
        mailbox.rejectLinks(link -> link.startsWith("next|changes"));
        int before = mailbox.requests().size();
        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();

        assertThat(published(connection, topology)).containsExactly("new0", "new1", "new2", "new3", "new4", "new5");
        assertThat(mailbox.requests().subList(before, mailbox.requests().size())).filteredOn("delta-start"::equals)
                .hasSize(1);
        assertThat(store(tmp).load()).get().extracting(CursorState::caughtUp).isEqualTo(true);
    }

    @Test
    void aSecondRejectionInOneCycleStopsItWithTheCursorCommitted(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("twice"), DELAYS);
        Connection connection = broker.connect();
        MemoryMailbox mailbox = new MemoryMailbox(2);
        IntStream.range(0, 4).forEach(i -> mailbox.add("old" + i, T.plus(i, ChronoUnit.MINUTES)));
        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();
        published(connection, topology);
        mailbox.rejectLinks(link -> link.startsWith("next|") || link.startsWith("delta|"));

        assertThatThrownBy(() -> cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run())
                .isInstanceOf(Mailbox.DeltaExpiredException.class);
        assertThat(store(tmp).load()).get().satisfies(state -> {
            assertThat(state.caughtUp()).isFalse(); // the restarted round is committed as far as it got
            assertThat(state.floor()).isEqualTo(T.plus(3, ChronoUnit.MINUTES).minus(OVERLAP));
        });
    }

    @Test
    void anInterruptedFirstDeltaRoundResumesWithTheFloorItBeganWith(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("floor"), DELAYS);
        Connection connection = broker.connect();
        MemoryMailbox mailbox = new MemoryMailbox(2);
        Instant backfilled = T.plus(1, ChronoUnit.DAYS);
        mailbox.add("m0", backfilled);
        mailbox.failNext("delta-start"::equals); // the backfill completes, the first round never starts
        assertThatThrownBy(() -> cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run())
                .hasMessageContaining("503");
        assertThat(published(connection, topology)).containsExactly("m0");

        // while the fetcher was down: new mail, and mail delivered late with a received time just after the backfill
        mailbox.add("fresh", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        mailbox.add("late", backfilled.plus(1, ChronoUnit.MINUTES));
        // the round's first page (m0, fresh) is committed, then Graph fails on its second page (late)
        mailbox.failNext(link -> link.startsWith("next|round"));
        assertThatThrownBy(() -> cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run())
                .hasMessageContaining("503");
        assertThat(published(connection, topology)).containsExactly("fresh");
        assertThat(store(tmp).load()).get().satisfies(state -> {
            assertThat(state.watermark()).isAfter(backfilled.plus(1, ChronoUnit.DAYS)); // moved with "fresh"
            assertThat(state.floor()).isEqualTo(backfilled.minus(OVERLAP));              // did not
        });

        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();

        // a floor taken again from the moved watermark would have dropped it
        assertThat(published(connection, topology)).containsExactly("late");
    }

    @Test
    void aFirstDeltaRoundBegunByAnEarlierVersionTakesItsFloorOnceAndKeepsIt(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("oldfile"), DELAYS);
        Connection connection = broker.connect();
        Instant watermark = T.plus(1, ChronoUnit.DAYS);
        Files.createDirectories(tmp);
        // a state file as the previous version wrote it: no floor, 'settled' instead of 'caughtUp'
        Files.writeString(store(tmp).file(), """
                {"mailbox":"%s","folder":"Inbox","phase":"DELTA","watermark":"%s","deltaLink":null,
                 "settled":false,"recentIds":["m0"],"updatedAt":"%s"}""".formatted(MemoryMailbox.MAILBOX, watermark,
                watermark));
        MemoryMailbox mailbox = new MemoryMailbox(2);
        mailbox.add("m0", watermark);
        mailbox.add("fresh", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        mailbox.add("late", watermark.plus(1, ChronoUnit.MINUTES));
        mailbox.add("older", watermark.minus(1, ChronoUnit.HOURS));
        mailbox.failNext(link -> link.startsWith("next|round"));
        assertThatThrownBy(() -> cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run())
                .hasMessageContaining("503");
        assertThat(store(tmp).load()).get().extracting(CursorState::floor).isEqualTo(watermark.minus(OVERLAP));

        cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();

        assertThat(published(connection, topology)).containsExactly("fresh", "late");
        assertThat(store(tmp).load()).get().satisfies(state -> {
            assertThat(state.caughtUp()).isTrue();
            assertThat(state.floor()).isNull();
        });
    }

    @Test
    void aCrashBetweenPublishAndCommitReplaysFromTheCommittedCursorAndSkipsNothing(TestBroker broker)
            throws Exception {
        Topology topology = broker.declare(broker.prefix("crash"), DELAYS);
        List<String> all = IntStream.range(0, 25).mapToObj(i -> String.format("m%02d", i)).toList();
        // the folder is the outside world: it outlives the process, so both runs read the same one
        MemoryMailbox mailbox = new MemoryMailbox(4);
        for (int i = 0; i < all.size(); i++) {
            mailbox.add(all.get(i), T.plus(i, ChronoUnit.MINUTES));
        }
        // the process is killed while it reads m10: m08 and m09 of the third page are published, not committed
        // (a page's end is committed once the broker confirmed it, so the file may be a page or two behind)
        CountDownLatch never = new CountDownLatch(1);
        mailbox.hold("m10", never);
        Path crashedStateDir = tmp.resolve("crashed");
        Connection crashedConnection = broker.connect();
        Thread crashed = new Thread(() -> {
            try {
                cycle(mailbox, crashedStateDir, crashedConnection, topology, ticking()).run();
            } catch (Exception | Error e) {
                // the process is gone: nothing it does from here on counts
            }
        });
        crashed.setDaemon(true);
        crashed.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.messageCount(topology.workQueue()) == 10);

        // what survives a kill -9: the broker and the state file as it is on disk at this moment
        Path stateDir = tmp.resolve("restarted");
        Files.createDirectories(stateDir);
        if (Files.exists(store(crashedStateDir).file())) {
            Files.copy(store(crashedStateDir).file(), store(stateDir).file());
        }
        crashedConnection.abort();
        int committed = store(stateDir).load().map(s -> s.recentIds().size()).orElse(0);
        assertThat(store(stateDir).load().map(CursorState::recentIds).orElse(List.of()))
                .containsExactlyElementsOf(all.subList(0, committed));
        assertThat(committed).isLessThanOrEqualTo(8);

        mailbox.hold("m10", new CountDownLatch(0));
        cycle(mailbox, stateDir, broker.connect(), topology, ticking()).run();

        List<String> received = published(broker.connect(), topology);
        assertThat(received).containsExactlyElementsOf(concat(all.subList(0, 10), all.subList(committed, 25)));
        crashed.interrupt();
        never.countDown();
        // the "killed" cycle may still write its state on the way out: let it end before @TempDir is deleted
        crashed.join(Duration.ofSeconds(20).toMillis());
        assertThat(crashed.isAlive()).as("the crashed cycle's thread ended").isFalse();
    }

    @Test
    void noMoreThanTheBoundOfEnvelopesIsEverUnconfirmed(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("bound"), DELAYS);
        Address address = broker.brokerUri().addresses().get(0);
        int total = FetchCycle.MAX_UNCONFIRMED + 88;
        MemoryMailbox mailbox = new MemoryMailbox(1000); // one page: Graph's largest $top
        IntStream.range(0, total).forEach(i -> mailbox.add("m" + i, T.plusSeconds(i)));
        try (ReplyHoldingProxy proxy = new ReplyHoldingProxy(address.getHost(), address.getPort())) {
            Connection connection = BrokerUri.parse(broker.uri().replaceFirst("@[^/]+", "@127.0.0.1:" + proxy.port()))
                    .connect("test-bound");
            // from the first read on, the broker's confirms are held back; its queue still shows what arrives
            java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
            mailbox.onRead(id -> {
                if (held.compareAndSet(false, true)) {
                    proxy.hold();
                }
            });
            CompletableFuture<FetchCycle.Outcome> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return cycle(mailbox, tmp, connection, topology, Clock.systemUTC()).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> broker.messageCount(topology.workQueue()) >= FetchCycle.MAX_UNCONFIRMED);
            Thread.sleep(500); // long enough for the rest of the page to be published, if it could be
            assertThat(broker.messageCount(topology.workQueue())).isEqualTo(FetchCycle.MAX_UNCONFIRMED);
            assertThat(run).isNotDone();

            proxy.release();
            assertThat(run.get().published()).isEqualTo(total);
            connection.close();
        }
        assertThat(broker.messageCount(topology.workQueue())).isEqualTo(total);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
