package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import io.emailintel.cli.ExitCodes;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.eml.EmlCursorStore;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.state.CursorStore;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several sources in one fetcher process ({@code fetcher.sources}), against the real broker: a Graph mailbox, a
 * directory, and a Graph source whose client secret was revoked. The broken one fails on its own, is retried on its
 * own and is named by readiness and by {@code run --once}; the others deliver everything, each with its own cursor
 * file, each envelope carrying its source's name.
 */
@ExtendWith(RabbitBrokerExtension.class)
class SourcesIT {

    private static final String GOOD_SECRET = "soc-app-secret-value";
    private static final String REVOKED_SECRET = "revoked-app-secret-value";

    @TempDir
    Path dir;

    @Test
    void aSourceWithARevokedSecretFailsAloneWhileTheOthersDeliverEverything(TestBroker broker) throws Exception {
        try (FakeGraph graph = new FakeGraph(GraphFixture.MAILBOX)) {
            graph.revokeSecret(REVOKED_SECRET);
            String prefix = broker.prefix("sources");
            Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                    CommonSettings.RETRY_DELAYS.defaultValue()));
            broker.deleteAfterwards(topology);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < 60; i++) {
                graph.add("inbox-id", now.minus(Duration.ofHours(100 - i)), "graph advisory " + i);
                graph.add("archive-id", now.minus(Duration.ofHours(100 - i)), "archived " + i);
            }
            Path drop = Files.createDirectories(dir.resolve("drop"));
            for (int i = 0; i < 25; i++) {
                eml(drop, i);
            }
            int opsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                opsPort = socket.getLocalPort();
            }
            Path yml = dir.resolve("config.yml");
            Files.writeString(yml, String.join("\n", topLevel(broker, prefix, graph, "page_size: 20"),
                    "connector:",
                    "  log_level: info",
                    "  duration_period: PT1H",
                    "ops:",
                    "  port: " + opsPort,
                    "fetcher:",
                    "  state_dir: " + dir.resolve("state"),
                    "  sources:",
                    "    - name: soc",
                    "      type: graph",
                    "      email_intel_microsoft:",
                    "        email: " + GraphFixture.MAILBOX,
                    "    - name: old-app",
                    "      type: graph",
                    "      email_intel_microsoft:",
                    "        tenant_id: " + FakeGraph.TENANT,
                    "        client_id: 00000000-0000-0000-0000-000000000002",
                    "        email: " + GraphFixture.MAILBOX,
                    "        inbox: Archive",
                    "    - name: drop",
                    "      type: eml-dir",
                    "      fetcher:",
                    "        eml_dir: " + drop,
                    ""));
            // the revoked secret comes from the environment, under the source's name
            Map<String, String> env = Map.of("FETCHER_SOURCES_OLD_APP_EMAIL_INTEL_MICROSOFT_CLIENT_SECRET",
                    REVOKED_SECRET);
            CursorStore soc = new CursorStore(dir.resolve("state"), "soc--", GraphFixture.MAILBOX, "Inbox");
            EmlCursorStore dropCursor = new EmlCursorStore(dir.resolve("state"), "drop--", drop);

            String runLog;
            try (JavaProcess process = FetcherProcess.start(dir.resolve("run"), env, "run", "--config",
                    yml.toString())) {
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> RunCommandIT.settled(soc) && sent(dropCursor) == 25);
                assertThat(process.isAlive()).as("still polling").isTrue();
                HttpResponse<String> ready = RunCommandIT.get(opsPort, "/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                JsonNode checks = new ObjectMapper().readTree(ready.body()).get("checks");
                assertThat(checks.at("/source:old-app/status").asText()).isEqualTo("DOWN");
                assertThat(checks.at("/source:old-app/detail").asText()).startsWith("failed at");
                assertThat(checks.at("/source:soc/status").asText()).isEqualTo("UP");
                assertThat(checks.at("/source:drop/status").asText()).isEqualTo("UP");
                assertThat(checks.at("/broker/status").asText()).isEqualTo("UP");
                await().atMost(Duration.ofSeconds(10)).until(() -> RunCommandIT.get(opsPort, "/metrics").body()
                        .contains("emailintel_emails_published_total{component=\"fetcher\",source=\"drop\"} 25.0"));
                String metrics = RunCommandIT.get(opsPort, "/metrics").body();
                assertThat(metrics)
                        .contains("emailintel_emails_published_total{component=\"fetcher\",source=\"soc\"} 60.0")
                        .contains("emailintel_emails_published_total{component=\"fetcher\",source=\"old-app\"} 0.0")
                        .contains("emailintel_graph_requests_total{component=\"fetcher\",source=\"soc\",status=\"200\"}");
                assertThat(process.stop(Duration.ofSeconds(30))).as("SIGTERM: exit 0").isZero();
                runLog = process.output();
            }
            assertThat(runLog).contains("source old-app (graph): cycle failed").contains("AADSTS7000215")
                    .contains("source old-app: next try in")
                    .doesNotContain(REVOKED_SECRET).doesNotContain(GOOD_SECRET).doesNotContain(FakeGraph.TOKEN);
            assertThat(Files.exists(dir.resolve("state").resolve("old-app--" + GraphFixture.MAILBOX + "--archive.json")))
                    .as("nothing read, nothing committed").isFalse();

            Connection connection = broker.connect();
            List<Envelope> first = GraphFixture.drain(connection, topology.workQueue());
            Map<String, List<Envelope>> bySource = first.stream()
                    .collect(Collectors.groupingBy(e -> e.source().name()));
            assertThat(bySource).containsOnlyKeys("soc", "drop");
            assertThat(bySource.get("soc")).hasSize(60).allMatch(e -> e.subject().startsWith("graph advisory"));
            assertThat(bySource.get("drop")).hasSize(25);
            assertThat(first).allMatch(e -> e.schemaVersion().equals(Envelope.SCHEMA_VERSION));
            // the name is in no id: the envelope id is the one a classic fetcher gives the same message
            assertThat(first).allMatch(e -> e.envelopeId().equals(Envelope.stableId(new EnvelopeSource(
                    e.source().kind(), e.source().mailbox(), e.source().folder(), e.source().messageId(),
                    e.source().internetMessageId()))));

            // one more e-mail each; run --once runs every source once and names the one that failed
            graph.add("inbox-id", now.minusSeconds(10), "graph advisory late");
            eml(drop, 99);
            String onceLog;
            try (JavaProcess once = FetcherProcess.start(dir.resolve("once"), env, "run", "--once", "--config",
                    yml.toString())) {
                assertThat(once.waitFor(Duration.ofSeconds(90))).as(once.output()).isEqualTo(ExitCodes.FAILURE);
                onceLog = once.output();
            }
            assertThat(onceLog).contains("run --once: 1 of 3 source(s) failed: old-app (")
                    .doesNotContain(REVOKED_SECRET);
            List<Envelope> second = GraphFixture.drain(connection, topology.workQueue());
            assertThat(second).extracting(e -> e.source().name() + ":" + e.subject())
                    .containsExactlyInAnyOrder("soc:graph advisory late", "drop:late " + 99);
            assertThat(Files.list(dir.resolve("state")).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json")).sorted().toList())
                    .containsExactly(dropCursor.file().getFileName().toString(), soc.file().getFileName().toString());
        }
    }

    @Test
    void twoGraphSourcesOnOneMailboxShareItsFourRequestBudget(TestBroker broker) throws Exception {
        try (FakeGraph graph = new FakeGraph(GraphFixture.MAILBOX)) {
            String prefix = broker.prefix("shared-budget");
            Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                    CommonSettings.RETRY_DELAYS.defaultValue()));
            broker.deleteAfterwards(topology);
            Instant t = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < 24; i++) {
                for (String folder : List.of("inbox-id", "archive-id")) {
                    graph.add(folder, t.plusSeconds(i), folder + " " + i, new FakeGraph.Attachment(folder + i,
                            "fileAttachment", "ioc-" + i + ".txt", "text/plain",
                            ("indicator " + i).repeat(200).getBytes(StandardCharsets.UTF_8), false));
                }
            }
            graph.slowBodies(Duration.ofMillis(100)); // every request stays open a while: the sources overlap
            Path yml = dir.resolve("config.yml");
            Files.writeString(yml, String.join("\n", topLevel(broker, prefix, graph, "attachments_mime_types: text/plain"),
                    "fetcher:",
                    "  state_dir: " + dir.resolve("state"),
                    "  sources:",
                    "    - {name: inbox, type: graph, email_intel_microsoft: {email: " + GraphFixture.MAILBOX + "}}",
                    "    - {name: archive, type: graph, email_intel_microsoft: {email: " + GraphFixture.MAILBOX
                            + ", inbox: Archive}}",
                    ""));

            assertThat(FetcherCommand.execute("run", "--once", "--config", yml.toString())).isEqualTo(ExitCodes.OK);

            assertThat(graph.concurrencyRejections()).as("429 MailboxConcurrency answers").isZero();
            assertThat(graph.maxConcurrentRequests()).isEqualTo(FakeGraph.MAILBOX_CONCURRENCY);
            List<Envelope> received = GraphFixture.drain(broker.connect(), topology.workQueue());
            assertThat(received).hasSize(48);
            assertThat(received).filteredOn(e -> e.source().name().equals("archive")).hasSize(24)
                    .allMatch(e -> e.attachments().size() == 1);
        }
    }

    private static void eml(Path drop, int i) throws Exception {
        String subject = i == 99 ? "late " + i : "dropped " + i;
        Files.writeString(drop.resolve("mail-" + i + ".eml"), "From: Vendor <v@vendor.example>\r\nTo: cti@example.org"
                + "\r\nSubject: " + subject + "\r\nMessage-ID: <drop-" + i + "@vendor.example>\r\nDate: Mon, 2 Nov 2026 "
                + "10:00:00 +0000\r\n\r\nbody " + i + "\r\n", StandardCharsets.UTF_8);
    }

    /** The broker, and the Graph app and endpoints every Graph source inherits, plus one more Graph setting. */
    private static String topLevel(TestBroker broker, String prefix, FakeGraph graph, String graphSetting) {
        return String.join("\n",
                "pipeline:",
                "  rabbitmq_uri: \"" + broker.uri() + "\"",
                "  queue_prefix: " + prefix,
                "email_intel_microsoft:",
                "  tenant_id: " + FakeGraph.TENANT,
                "  client_id: 00000000-0000-0000-0000-000000000001",
                "  client_secret: " + GOOD_SECRET,
                "  graph_base_url: " + graph.baseUrl(),
                "  authority_host: " + graph.authorityHost(),
                "  " + graphSetting);
    }

    private static int sent(EmlCursorStore store) {
        try {
            return store.load().size();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
