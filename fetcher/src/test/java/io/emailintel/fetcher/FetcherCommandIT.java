package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.emailintel.cli.ExitCodes;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.model.Envelope;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetcher run --once} end to end: configuration file, the real ClientSecretCredential against the https
 * token endpoint, the Graph SDK against the fake Graph, the real broker.
 */
@ExtendWith(RabbitBrokerExtension.class)
class FetcherCommandIT {

    private FakeGraph graph;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private Path config(TestBroker broker, String prefix, String folder) throws Exception {
        return config(broker, prefix, folder, "  client_secret: not-a-real-secret");
    }

    private Path config(TestBroker broker, String prefix, String folder, String credential) throws Exception {
        Path yml = dir.resolve("config.yml");
        Files.writeString(yml, String.join("\n",
                "connector:",
                "  log_level: warn",
                "pipeline:",
                "  rabbitmq_uri: \"" + broker.uri() + "\"",
                "  queue_prefix: " + prefix,
                "email_intel_microsoft:",
                "  tenant_id: " + FakeGraph.TENANT,
                "  client_id: 00000000-0000-0000-0000-000000000001",
                credential,
                "  email: " + GraphFixture.MAILBOX,
                "  inbox: " + folder,
                "  graph_base_url: " + graph.baseUrl(),
                "  authority_host: " + graph.authorityHost(),
                "  page_size: 200",
                "fetcher:",
                "  state_dir: " + dir.resolve("state"),
                ""));
        return yml;
    }

    @Test
    void aThousandMessageBackfillOverSeveralPagesArrivesExactlyOnceAndOnlyGetReachesGraph(TestBroker broker)
            throws Exception {
        String prefix = broker.prefix("backfill");
        Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue()));
        broker.deleteAfterwards(topology);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 1000; i++) {
            graph.add("inbox-id", now.minus(Duration.ofMinutes(20L * 24 * 60 - i * 20L)), "advisory " + i);
        }
        graph.add("inbox-id", now.minus(Duration.ofDays(45)), "too old to import");
        Path yml = config(broker, prefix, "inbox");

        assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.OK);
        assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.OK);

        Connection connection = broker.connect();
        List<Envelope> received = GraphFixture.drain(connection, topology.workQueue());
        assertThat(received).hasSize(1000);
        assertThat(received.stream().map(Envelope::envelopeId).collect(Collectors.toSet())).hasSize(1000);
        assertThat(received).noneMatch(e -> e.subject().equals("too old to import"));
        assertThat(graph.requests()).filteredOn(r -> r.path().endsWith("/messages")).hasSizeGreaterThanOrEqualTo(5);
        // read-only: GET to Graph, and the one token POST to the authority
        assertThat(graph.requests()).filteredOn(r -> !r.path().startsWith("token:"))
                .allMatch(r -> r.method().equals("GET"), "GET only")
                .allMatch(r -> r.authorization() != null && r.authorization().equals("Bearer " + FakeGraph.TOKEN))
                .allMatch(r -> r.prefer().contains("IdType=\"ImmutableId\""));
        assertThat(graph.requests()).filteredOn(r -> r.path().startsWith("token:"))
                .isNotEmpty()
                .allMatch(r -> r.method().equals("POST") && r.path().equals("token:/" + FakeGraph.TENANT
                        + "/oauth2/v2.0/token"));
    }

    @Test
    void aClientCertificateSignsTheTokenRequestInsteadOfASecret(TestBroker broker) throws Exception {
        String prefix = broker.prefix("cert");
        broker.deleteAfterwards(new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue())));
        graph.add("inbox-id", Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS), "one");
        Path yml = config(broker, prefix, "Inbox", "  client_certificate_path: " + io.emailintel.fetcher.fake.TestTls
                .clientCertificate() + "\n  client_certificate_password: changeit");

        assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.OK);

        assertThat(graph.tokenForms()).isNotEmpty().allSatisfy(form -> assertThat(form)
                .contains("client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .doesNotContain("client_secret"));
        assertThat(GraphFixture.drain(broker.connect(), prefix + ".work")).hasSize(1);
    }

    @Test
    void aMissingFolderStopsRunOnceWithFailure(TestBroker broker) throws Exception {
        String prefix = broker.prefix("nofolder");
        broker.deleteAfterwards(new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue())));
        Path yml = config(broker, prefix, "Inbox/Nope");

        assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void stateShowAndResetWorkOnTheConfiguredCursor(TestBroker broker) throws Exception {
        String prefix = broker.prefix("state");
        broker.deleteAfterwards(new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue())));
        graph.add("inbox-id", Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS), "one");
        Path yml = config(broker, prefix, "Inbox");
        assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.OK);
        try (var files = Files.list(dir.resolve("state"))) { // cursor files (the request slots are in a sub-directory)
            assertThat(files.filter(Files::isRegularFile).toList()).hasSize(1);
        }

        assertThat(FetcherCommand.execute("state", "show", "--config", yml.toString())).isEqualTo(ExitCodes.OK);
        assertThat(FetcherCommand.execute("state", "reset", "--config", yml.toString())).isEqualTo(ExitCodes.OK);
        try (var files = Files.list(dir.resolve("state"))) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void resyncPublishesTheWindowAgainAndLeavesTheCursorAlone(TestBroker broker) throws Exception {
        String prefix = broker.prefix("resync");
        Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue()));
        broker.deleteAfterwards(topology);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 6; i++) {
            graph.add("inbox-id", now.minus(Duration.ofDays(6 - i)), "day " + i);
        }
        Path yml = config(broker, prefix, "inbox");
        assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.OK);
        Connection connection = broker.connect();
        assertThat(GraphFixture.drain(connection, topology.workQueue())).hasSize(6);
        String cursorBefore = Files.readString(FetcherRuntime.cursorStore(
                io.emailintel.config.ConfigLoader.load(FetcherSettings.schema(),
                        io.emailintel.config.ConfigInputs.read(yml, null, java.util.Map.of()))).file());

        String since = now.minus(Duration.ofDays(3)).minusSeconds(1).toString();
        String until = now.minus(Duration.ofDays(1)).toString();
        assertThat(FetcherCommand.execute("resync", "--since", since, "--until", until, "--config", yml.toString()))
                .isEqualTo(ExitCodes.OK);

        List<Envelope> again = GraphFixture.drain(connection, topology.workQueue());
        assertThat(again).extracting(Envelope::subject).containsExactly("day 3", "day 4");
        assertThat(again).allMatch(e -> e.fetchCycleId().startsWith("resync-"));
        String cursorAfter = Files.readString(FetcherRuntime.cursorStore(
                io.emailintel.config.ConfigLoader.load(FetcherSettings.schema(),
                        io.emailintel.config.ConfigInputs.read(yml, null, java.util.Map.of()))).file());
        assertThat(cursorAfter).isEqualTo(cursorBefore);
        assertThat(FetcherCommand.execute("resync", "--since", "last tuesday", "--config", yml.toString()))
                .isEqualTo(ExitCodes.USAGE);
    }
}
