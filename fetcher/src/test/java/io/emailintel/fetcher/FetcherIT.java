package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.graph.FolderPath;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStorage;
import io.emailintel.fetcher.state.CursorStore;
import io.emailintel.model.Envelope;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The fetch cycle against a fake Graph and the real local RabbitMQ. */
@ExtendWith(RabbitBrokerExtension.class)
class FetcherIT {

    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(10));

    private FakeGraph graph;
    private final List<Duration> sleeps = new ArrayList<>();

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

    private GraphMailbox mailbox(String folder, int pageSize) {
        return GraphFixture.mailbox(graph, folder, pageSize, sleeps::add, 6);
    }

    private Instant daysAgo(double days) {
        return Instant.now().minus((long) (days * 24 * 60), ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    }

    private Set<String> ids(List<Envelope> envelopes) {
        return envelopes.stream().map(e -> e.source().messageId()).collect(Collectors.toSet());
    }

    @Test
    void aMessageMovedInLaterWithAnOldReceivedTimeIsFetchedOnTheNextCycle(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("moved"), DELAYS);
        Connection connection = broker.connect();
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        FakeGraph.Message first = graph.add("inbox-id", daysAgo(2), "first");
        FakeGraph.Message second = graph.add("inbox-id", daysAgo(1), "second");
        GraphMailbox mailbox = mailbox("Inbox", 10);

        GraphFixture.cycle(mailbox, store, connection, topology, "Inbox").run();
        assertThat(ids(GraphFixture.drain(connection, topology.workQueue())))
                .containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(store.load()).get().extracting(CursorState::phase, CursorState::caughtUp)
                .containsExactly(CursorState.Phase.DELTA, true);

        FakeGraph.Message moved = graph.add("inbox-id", daysAgo(20), "moved in from another folder");
        graph.touch(first);      // marked read: an update, not new mail
        graph.remove(second);    // deleted: ignored
        GraphFixture.cycle(mailbox, store, connection, topology, "Inbox").run();

        assertThat(ids(GraphFixture.drain(connection, topology.workQueue()))).containsExactly(moved.id());
    }

    @Test
    void removalsAndUpdatesOfKnownMailAreNotPublishedAgain(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("updates"), DELAYS);
        Connection connection = broker.connect();
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        FakeGraph.Message first = graph.add("inbox-id", daysAgo(2), "first");
        FakeGraph.Message second = graph.add("inbox-id", daysAgo(1), "second");
        GraphMailbox mailbox = mailbox("Inbox", 10);
        GraphFixture.cycle(mailbox, store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(2);

        graph.ignoreChangeTypeFilter(); // as if Graph reported every change
        graph.touch(first);
        graph.remove(second);
        GraphFixture.cycle(mailbox, store, connection, topology, "Inbox").run();

        assertThat(GraphFixture.drain(connection, topology.workQueue())).isEmpty();
        assertThat(graph.requests()).anyMatch(r -> r.path().contains("delta") && r.query() != null
                && r.query().contains("deltatoken"));
    }

    @Test
    void aCursorWriteThatFailsMidCycleLosesNothingOnTheNextCycle(TestBroker broker) throws Exception {
        // (a real crash, with the process state lost, is FetchCycleIT's)
        Topology topology = broker.declare(broker.prefix("crash"), DELAYS);
        Connection connection = broker.connect();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            all.add(graph.add("inbox-id", daysAgo(10 - i * 0.1), "advisory " + i).id());
        }
        CursorStore real = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        AtomicInteger saves = new AtomicInteger();
        CursorStorage crashing = new CursorStorage() {
            @Override
            public Optional<CursorState> load() {
                return real.load();
            }

            @Override
            public void save(CursorState state) {
                if (saves.incrementAndGet() == 2) {
                    throw new IllegalStateException("disk full: the cursor was not written");
                }
                real.save(state);
            }
        };
        GraphMailbox mailbox = mailbox("Inbox", 10);
        assertThatThrownBy(() -> GraphFixture.cycle(mailbox, crashing, connection, topology, "Inbox").run())
                .hasMessageContaining("disk full");

        GraphFixture.cycle(mailbox(("Inbox"), 10), real, connection, topology, "Inbox").run();

        List<Envelope> received = GraphFixture.drain(connection, topology.workQueue());
        assertThat(ids(received)).containsExactlyInAnyOrderElementsOf(all);
        // the uncommitted page is replayed (at-least-once), nothing more
        assertThat(received).hasSizeBetween(25, 35);
    }

    @Test
    void theBrokerRefusingPublishesLeavesTheCursorWhereItWas(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("refused"), DELAYS);
        Connection connection = broker.connect();
        graph.add("inbox-id", daysAgo(3), "one");
        graph.add("inbox-id", daysAgo(2), "two");
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        try (Channel ch = connection.createChannel()) {
            ch.queueUnbind(topology.workQueue(), topology.exchange(), Topology.ROUTING_WORK); // mandatory → returned
        }

        assertThatThrownBy(() -> GraphFixture.cycle(mailbox("Inbox", 10), store, connection, topology, "Inbox").run())
                .isInstanceOf(io.emailintel.fetcher.publish.NotConfirmedException.class);
        assertThat(store.load()).isEmpty();

        topology.declare(connection);
        GraphFixture.cycle(mailbox("Inbox", 10), store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(2);
    }

    @Test
    void a429StormIsRiddenOutHonouringRetryAfter(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("storm"), DELAYS);
        Connection connection = broker.connect();
        for (int i = 0; i < 12; i++) {
            graph.add("inbox-id", daysAgo(5 - i * 0.1), "throttled " + i);
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        graph.throttleNext(5, "7");

        GraphFixture.cycle(mailbox("Inbox", 5), store, connection, topology, "Inbox").run();

        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(12);
        assertThat(sleeps).hasSize(5).allMatch(d -> d.equals(Duration.ofSeconds(7)));
        assertThat(graph.maxConcurrentRequests()).isLessThanOrEqualTo(4);
    }

    @Test
    void aThrottledCycleResumesWhereItStoppedWithoutRepublishing(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("resume"), DELAYS);
        Connection connection = broker.connect();
        for (int i = 0; i < 12; i++) {
            graph.add("inbox-id", daysAgo(5 - i * 0.1), "resumed " + i);
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        GraphMailbox mailbox = GraphFixture.mailbox(graph, "Inbox", 5, sleeps::add, 2);
        // the first page passes, then the second is throttled longer than two retries allow
        graph.throttleNext(3, "1", 1);

        assertThatThrownBy(() -> GraphFixture.cycle(mailbox, store, connection, topology, "Inbox").run())
                .isInstanceOf(com.microsoft.kiota.ApiException.class);
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(5);
        assertThat(sleeps).hasSize(2);

        GraphFixture.cycle(mailbox, store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(7);
    }

    @Test
    void anExpiredDeltaTokenTriggersABoundedResyncWithoutDuplicates(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("expired"), DELAYS);
        Connection connection = broker.connect();
        for (int i = 0; i < 8; i++) {
            graph.add("inbox-id", daysAgo(3 - i * 0.1), "before " + i);
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        GraphFixture.cycle(mailbox("Inbox", 3), store, connection, topology, "Inbox").run();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(8);

        graph.expireDeltaTokens();
        FakeGraph.Message fresh = graph.add("inbox-id", Instant.now().truncatedTo(ChronoUnit.SECONDS), "after");
        GraphFixture.cycle(mailbox("Inbox", 3), store, connection, topology, "Inbox").run();

        assertThat(ids(GraphFixture.drain(connection, topology.workQueue()))).containsExactly(fresh.id());
        assertThat(graph.requests()).anyMatch(r -> r.path().contains("delta"));
    }

    @Test
    void aFolderPathIsResolvedLevelByLevel() {
        assertThat(mailbox("INBOX/cti/Vendors", 10).folderId()).isEqualTo("vendors-id");
        assertThat(mailbox("Archive", 10).folderId()).isEqualTo("archive");
    }

    @Test
    void aMissingFolderNamesTheFoldersThatExistAtThatLevel() {
        assertThatThrownBy(() -> mailbox("Inbox/CTI/Nope", 10).folderId())
                .isInstanceOf(FolderPath.FolderNotFoundException.class)
                .hasMessageContaining("no 'Nope' in 'Inbox/CTI'")
                .hasMessageContaining("folders there: Partners, Vendors");
    }

    @Test
    void attachmentsOfTheThreeKindsAreCarriedOrSkippedWithTheirReason(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("attach"), DELAYS);
        Connection connection = broker.connect();
        byte[] pdf = "%PDF-1.7\n%fake report\n".getBytes();
        byte[] eml = "From: a@b.example\r\nSubject: forwarded\r\n\r\nhello\r\n".getBytes();
        graph.add("inbox-id", daysAgo(1), "with attachments",
                new FakeGraph.Attachment("a1", "fileAttachment", "report.pdf", "application/pdf; name=report.pdf", pdf, false),
                new FakeGraph.Attachment("a2", "fileAttachment", "scan", "application/octet-stream", pdf, false),
                new FakeGraph.Attachment("a3", "itemAttachment", "Fwd: original", "", eml, false),
                new FakeGraph.Attachment("a4", "referenceAttachment", "onedrive.docx", "", new byte[0], false),
                new FakeGraph.Attachment("a5", "fileAttachment", "logo.png", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}, true),
                new FakeGraph.Attachment("a6", "fileAttachment", "tool.exe", "application/x-msdownload", new byte[] {'M', 'Z'}, false));
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");

        GraphFixture.cycle(mailbox("Inbox", 10), store, connection, topology, "Inbox").run();

        Envelope e = GraphFixture.drain(connection, topology.workQueue()).get(0);
        assertThat(e.attachments()).extracting(a -> a.name() + "|" + a.mimeType() + "|" + a.kind())
                .containsExactlyInAnyOrder("report.pdf|application/pdf|FILE", "scan|application/pdf|FILE",
                        "Fwd: original.eml|message/rfc822|ITEM");
        assertThat(e.attachments()).filteredOn(a -> a.name().endsWith(".eml")).first()
                .satisfies(a -> assertThat(a.content()).isEqualTo(eml));
        assertThat(e.skippedAttachments()).extracting(s -> s.name() + "|" + s.reason())
                .containsExactlyInAnyOrder("onedrive.docx|REFERENCE_ATTACHMENT", "logo.png|INLINE_IMAGE",
                        "tool.exe|NOT_ALLOWED");
        // only the accepted files were downloaded; the reference attachment was never asked for
        assertThat(graph.requests()).noneMatch(r -> r.path().endsWith("/a4") || r.path().endsWith("/a6")
                || r.path().endsWith("/a5"));
        assertThat(e.source().folder()).isEqualTo("Inbox");
        assertThat(e.source().internetMessageId()).startsWith("<AAMk");
    }

    @Test
    void theCursorDoesNotPassAReturnedEnvelopeWhilePagesArePipelined(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("pipelined"), DELAYS);
        Connection connection = broker.connect();
        List<FakeGraph.Message> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            all.add(graph.add("inbox-id", daysAgo(10 - i * 0.1), "advisory " + i));
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");
        // while the 16th e-mail is read (ahead of the publisher), the queue loses its binding: from some point
        // on, every envelope is returned, and pages, reads and confirms are all in flight at that moment
        Mailbox unbinding = new UnbindingMailbox(mailbox("Inbox", 10), all.get(15).id(), connection, topology);

        assertThatThrownBy(() -> new FetchCycle(unbinding, store, connection, topology, java.time.Clock.systemUTC(),
                GraphFixture.MAILBOX, "Inbox", Duration.ofDays(30), Duration.ofMinutes(10), Duration.ofSeconds(10),
                () -> false, new FetcherMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())).run())
                .isInstanceOf(io.emailintel.fetcher.publish.NotConfirmedException.class);

        List<String> confirmed = GraphFixture.drain(connection, topology.workQueue()).stream()
                .map(e -> e.source().messageId()).toList();
        List<String> listed = all.stream().map(FakeGraph.Message::id).toList();
        assertThat(confirmed).isEqualTo(listed.subList(0, confirmed.size())).hasSizeLessThanOrEqualTo(15);
        Optional<CursorState> saved = store.load();
        if (confirmed.isEmpty()) {
            assertThat(saved).isEmpty();
        } else {
            // never past the last envelope that reached the queue
            Instant lastConfirmed = daysAgo(10 - (confirmed.size() - 1) * 0.1);
            assertThat(saved).get().satisfies(state -> assertThat(state.watermark()).isBeforeOrEqualTo(lastConfirmed));
        }

        topology.declare(connection);
        GraphFixture.cycle(mailbox("Inbox", 10), store, connection, topology, "Inbox").run();
        List<String> replayed = GraphFixture.drain(connection, topology.workQueue()).stream()
                .map(e -> e.source().messageId()).toList();
        assertThat(replayed).containsSubsequence(listed.subList(confirmed.size(), listed.size()));
        assertThat(replayed).containsAll(listed.subList(confirmed.size(), listed.size()));
    }

    @Test
    void anEmailWhoseOnlyAttachmentIsNotAllowedCostsNoRequestOfItsOwn(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("exe-only"), DELAYS);
        Connection connection = broker.connect();
        graph.add("inbox-id", daysAgo(2), "exe only", new FakeGraph.Attachment("x1", "fileAttachment", "tool.exe",
                "application/x-msdownload", new byte[] {'M', 'Z'}, false));
        graph.add("inbox-id", daysAgo(1), "pdf", new FakeGraph.Attachment("p1", "fileAttachment", "report.pdf",
                "application/pdf", "%PDF-1.7\n".getBytes(), false));
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");

        GraphFixture.cycle(mailbox("Inbox", 10), store, connection, topology, "Inbox").run();

        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(2);
        // the listing's attachment metadata settles the .exe; only the PDF is fetched, as raw bytes
        assertThat(graph.requests()).filteredOn(r -> r.path().matches(".*/users/[^/]+/messages/.*"))
                .extracting(FakeGraph.Request::path)
                .singleElement().asString().endsWith("/attachments/p1/$value");
    }

    @Test
    void attachmentsAreReadConcurrentlyWithinGraphsLimitAndPublishedInListingOrder(TestBroker broker)
            throws Exception {
        Topology topology = broker.declare(broker.prefix("concurrent"), DELAYS);
        Connection connection = broker.connect();
        byte[] pdf = new byte[64 * 1024];
        System.arraycopy("%PDF-1.7\n".getBytes(), 0, pdf, 0, 9);
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            listed.add(graph.add("inbox-id", daysAgo(5 - i * 0.01), "report " + i,
                    new FakeGraph.Attachment("p" + i, "fileAttachment", "report.pdf", "application/pdf", pdf, false),
                    new FakeGraph.Attachment("t" + i, "fileAttachment", "iocs.csv", "text/csv", "a,b\n".getBytes(),
                            false)).id());
        }
        CursorStore store = new CursorStore(stateDir, GraphFixture.MAILBOX, "Inbox");

        GraphFixture.cycle(mailbox("Inbox", 10), store, connection, topology, "Inbox").run();

        List<Envelope> received = GraphFixture.drain(connection, topology.workQueue());
        assertThat(received).extracting(e -> e.source().messageId()).containsExactlyElementsOf(listed);
        assertThat(received).allSatisfy(e -> assertThat(e.attachments()).hasSize(2));
        assertThat(graph.maxConcurrentRequests()).isLessThanOrEqualTo(4);
        assertThat(store.load()).get().extracting(CursorState::phase).isEqualTo(CursorState.Phase.DELTA);
    }

    @Test
    void oneTokenServesAWholeCycleOfRequests() throws Exception {
        for (int i = 0; i < 12; i++) {
            graph.add("inbox-id", daysAgo(3 - i * 0.1), "advisory " + i, new FakeGraph.Attachment("a" + i,
                    "fileAttachment", "r.pdf", "application/pdf", "%PDF-1.7\n".getBytes(), false));
        }
        var credential = io.emailintel.fetcher.graph.GraphClients.secretCredential(FakeGraph.TENANT,
                "00000000-0000-0000-0000-000000000001", FakeGraph.CLIENT_SECRET, java.net.URI.create(graph.authorityHost()));
        var client = io.emailintel.fetcher.graph.GraphClients.client(java.net.URI.create(graph.baseUrl()), credential,
                2, Duration.ofSeconds(1), sleeps::add, java.time.Clock.systemUTC());
        GraphMailbox mailbox = new GraphMailbox(client, graph.baseUrl(), GraphFixture.MAILBOX, "Inbox", 5,
                new io.emailintel.fetcher.graph.AttachmentPolicy(List.of("application/pdf"), 1 << 20, 1 << 20, false),
                java.time.Clock.systemUTC());

        Mailbox.Page page = mailbox.listSince(daysAgo(30));
        int read = 0;
        while (true) {
            for (Mailbox.Item item : page.items()) {
                assertThat(mailbox.envelope(item, "cycle").orElseThrow().attachments()).hasSize(1);
                read++;
            }
            if (page.nextLink() == null) {
                break;
            }
            page = mailbox.follow(page.nextLink(), false);
        }

        assertThat(read).isEqualTo(12);
        assertThat(graph.requests().stream().filter(r -> !r.path().startsWith("token:")).count()).isGreaterThan(12);
        assertThat(graph.tokenForms()).hasSize(1);
    }

    /** The folder as Graph serves it, but reading one message unbinds the work queue (mandatory → returned). */
    private record UnbindingMailbox(Mailbox delegate, String unbindAt, Connection connection, Topology topology)
            implements Mailbox {
        @Override
        public Page listSince(Instant since) {
            return delegate.listSince(since);
        }

        @Override
        public Page deltaStart() {
            return delegate.deltaStart();
        }

        @Override
        public Page follow(String link, boolean delta) {
            return delegate.follow(link, delta);
        }

        @Override
        public long expectedBytes(Item item) {
            return delegate.expectedBytes(item);
        }

        @Override
        public Optional<Envelope> envelope(Item item, String fetchCycleId) {
            if (item.id().equals(unbindAt)) {
                try (Channel ch = connection.createChannel()) {
                    ch.queueUnbind(topology.workQueue(), topology.exchange(), Topology.ROUTING_WORK);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return delegate.envelope(item, fetchCycleId);
        }
    }
}
