package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStore;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code fetcher run} as its own process: SIGTERM stops it gracefully with exit 0 and the cursor saved. */
@ExtendWith(RabbitBrokerExtension.class)
class RunCommandIT {

    @TempDir
    Path dir;

    @Test
    void sigtermStopsThePollingProcessWithExitZeroAndTheCursorSaved(TestBroker broker) throws Exception {
        try (FakeGraph graph = new FakeGraph(GraphFixture.MAILBOX)) {
            String prefix = broker.prefix("sigterm");
            Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                    CommonSettings.RETRY_DELAYS.defaultValue()));
            broker.deleteAfterwards(topology);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < 120; i++) {
                graph.add("inbox-id", now.minus(Duration.ofHours(100 - i)), "advisory " + i);
            }
            int opsPort;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                opsPort = socket.getLocalPort();
            }
            Path yml = dir.resolve("config.yml");
            Files.writeString(yml, String.join("\n",
                    "connector:",
                    "  log_level: debug",
                    "  duration_period: PT1H",
                    "pipeline:",
                    "  rabbitmq_uri: \"" + broker.uri() + "\"",
                    "  queue_prefix: " + prefix,
                    "email_intel_microsoft:",
                    "  tenant_id: " + FakeGraph.TENANT,
                    "  client_id: 00000000-0000-0000-0000-000000000001",
                    "  client_secret: not-a-real-secret",
                    "  email: " + GraphFixture.MAILBOX,
                    "  inbox: Inbox",
                    "  graph_base_url: " + graph.baseUrl(),
                    "  authority_host: " + graph.authorityHost(),
                    "  page_size: 25",
                    "fetcher:",
                    "  state_dir: " + dir.resolve("state"),
                    "ops:",
                    "  port: " + opsPort,
                    ""));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(List.of(java.toString(),
                    "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                    "-Djavax.net.ssl.trustStorePassword=" + System.getProperty("javax.net.ssl.trustStorePassword"),
                    "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType"),
                    "-cp", System.getProperty("java.class.path"),
                    FetcherCommand.class.getName(), "run", "--config", yml.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("fetcher.log").toFile())
                    .start();
            try {
                CursorStore store = new CursorStore(dir.resolve("state"), GraphFixture.MAILBOX, "Inbox");
                await().atMost(Duration.ofSeconds(60)).until(() -> settled(store));
                assertThat(process.isAlive()).as("still polling").isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> get(opsPort, "/health/ready").statusCode() == 200);
                String metrics = get(opsPort, "/metrics").body();
                assertThat(metrics).contains("emailintel_emails_published_total{component=\"fetcher\"} 120.0")
                        .contains("emailintel_graph_requests_total").contains("emailintel_publish_confirm_seconds_bucket");

                process.destroy(); // SIGTERM
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
                assertThat(process.exitValue()).as(Files.readString(dir.resolve("fetcher.log"))).isZero();
                // at debug level, libraries included: neither the client secret nor the access token is logged
                String log = Files.readString(dir.resolve("fetcher.log"));
                assertThat(log).contains("DEBUG").doesNotContain("not-a-real-secret").doesNotContain(FakeGraph.TOKEN);
                assertThat(metrics).contains("emailintel_queue_depth{component=\"fetcher\",queue=\"work\"}");
            } finally {
                process.destroyForcibly();
            }
            Connection connection = broker.connect();
            List<Envelope> received = GraphFixture.drain(connection, topology.workQueue());
            assertThat(received).hasSize(120);
            String log = Files.readString(dir.resolve("fetcher.log"));
            assertThat(received).allSatisfy(e -> assertThat(log).contains(e.envelopeId()));
        }
    }

    static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static boolean settled(CursorStore store) {
        try {
            Optional<CursorState> state = store.load();
            return state.isPresent() && state.get().caughtUp();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
