package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.SyncMode;
import io.emailintel.fetcher.state.CursorStore;
import io.emailintel.model.Envelope;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Fetch cycles against a FakeGraph as strict as Graph about sync state, and in watermark mode. */
@ExtendWith(RabbitBrokerExtension.class)
class GraphSyncIT {

    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(10));

    private FakeGraph graph;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private static Instant hoursAgo(double hours) {
        return Instant.now().minus((long) (hours * 60), ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    }

    private static List<String> ids(List<Envelope> envelopes) {
        return envelopes.stream().map(e -> e.source().messageId()).toList();
    }

    private GraphMailbox mailbox(SyncMode mode) {
        var client = GraphClients.client(URI.create(graph.baseUrl()), GraphFixture.staticToken(), 2,
                Duration.ofMinutes(2), d -> { }, Clock.systemUTC());
        return new GraphMailbox(client, graph.baseUrl(), GraphFixture.MAILBOX, "Inbox", 3, 3,
                new AttachmentPolicy(List.of("text/plain"), 1024 * 1024, 4 * 1024 * 1024, false), Clock.systemUTC(),
                mode, Duration.ofMinutes(10), ListingFilter.none());
    }

    @Test
    void aStoredDeltaLinkAnswered400WithTheCodeInTheInnerErrorStartsOneNewRound(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("inner"), DELAYS);
        Connection connection = broker.connect();
        for (int i = 0; i < 5; i++) {
            graph.add("inbox-id", hoursAgo(30 - i), "before " + i);
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        GraphFixture.cycle(mailbox(SyncMode.DELTA), store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(5);

        graph.answerExpiredSyncStateAs(FakeGraph.SyncStateAnswer.BAD_REQUEST_INNER);
        graph.expireDeltaTokens();
        FakeGraph.Message fresh = graph.add("inbox-id", Instant.now().truncatedTo(ChronoUnit.SECONDS), "after");
        GraphFixture.cycle(mailbox(SyncMode.DELTA), store, connection, topology, "Inbox").run();

        assertThat(ids(GraphFixture.drain(connection, topology.workQueue()))).containsExactly(fresh.id());
        GraphFixture.cycle(mailbox(SyncMode.DELTA), store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).isEmpty();
    }

    @Test
    void aNextLinkThatExpiresMidRoundRestartsTheRoundWithoutLosingOrRepeatingMail(TestBroker broker)
            throws Exception {
        Topology topology = broker.declare(broker.prefix("nextlink"), DELAYS);
        Connection connection = broker.connect();
        graph.add("inbox-id", hoursAgo(30), "before");
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        GraphFixture.cycle(mailbox(SyncMode.DELTA), store, connection, topology, "Inbox").run();
        GraphFixture.drain(connection, topology.workQueue());

        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            fresh.add(graph.add("inbox-id", Instant.now().minusSeconds(60 - i).truncatedTo(ChronoUnit.SECONDS),
                    "new " + i).id());
        }
        graph.repeatItemsInDeltaRounds();
        graph.expireNextDeltaLinks(1, FakeGraph.SyncStateAnswer.BAD_REQUEST_DEEP);
        GraphFixture.cycle(mailbox(SyncMode.DELTA), store, connection, topology, "Inbox").run();

        List<String> published = ids(GraphFixture.drain(connection, topology.workQueue()));
        assertThat(published).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fresh);
    }

    /**
     * 21Vianet has no message delta: each cycle lists from the watermark minus the overlap. Mail moved in later
     * with an older receivedDateTime is missed there, as the README says.
     */
    @Test
    void inWatermarkModeEveryCycleListsFromTheWatermarkAndNeverAsksForDelta(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("watermark"), DELAYS);
        Connection connection = broker.connect();
        for (int i = 0; i < 4; i++) {
            graph.add("inbox-id", hoursAgo(5 - i), "early " + i);
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        GraphFixture.cycle(mailbox(SyncMode.WATERMARK), store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(4);

        FakeGraph.Message late = graph.add("inbox-id", Instant.now().truncatedTo(ChronoUnit.SECONDS), "late");
        graph.add("inbox-id", hoursAgo(20), "moved in with an old date");
        GraphFixture.cycle(mailbox(SyncMode.WATERMARK), store, connection, topology, "Inbox").run();
        GraphFixture.cycle(mailbox(SyncMode.WATERMARK), store, connection, topology, "Inbox").run();

        assertThat(ids(GraphFixture.drain(connection, topology.workQueue()))).containsExactly(late.id());
        assertThat(graph.requests()).noneMatch(r -> r.path().contains("delta"));
    }

    @Test
    void theChinaCloudIsReadInWatermarkMode() {
        assertThat(SyncMode.of("auto", URI.create("https://microsoftgraph.chinacloudapi.cn/v1.0")))
                .isEqualTo(SyncMode.WATERMARK);
        assertThat(SyncMode.of("auto", URI.create("https://graph.microsoft.us/v1.0"))).isEqualTo(SyncMode.DELTA);
        assertThat(SyncMode.of("delta", URI.create("https://microsoftgraph.chinacloudapi.cn/v1.0")))
                .isEqualTo(SyncMode.DELTA);
        assertThat(SyncMode.of("watermark", URI.create("https://graph.microsoft.com/v1.0")))
                .isEqualTo(SyncMode.WATERMARK);
    }
}
