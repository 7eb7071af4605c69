package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two ingester processes (the packaged jar) compete on one work queue. */
@ExtendWith(RabbitBrokerExtension.class)
class TwoIngesterProcessesIT {

    private static final Path JAR = Path.of("target", "ingester.jar");

    @Test
    void fiveHundredEnvelopesBecomeFiveHundredReportsExactlyOnce(TestBroker broker) throws Exception {
        assertThat(JAR).as("the package phase builds the ingester jar before the integration tests").exists();
        List<Process> processes = new ArrayList<>();
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "two")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("two"));
            p.declare();
            // the platform as it runs: its worker imports (and drops what names a dead work), its connector
            // manager sweeps; both ingesters share the connector id (issue 12)
            openCti.startWorker(2, Duration.ofMillis(2));
            openCti.sweepEvery(Duration.ofMillis(200));
            Map<String, Integer> reports = new HashMap<>();
            Path dir = Files.createTempDirectory("ingester-it");
            int opsPort = freePort();
            for (int i = 0; i < 2; i++) {
                ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(), "run")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(Path.of("target", "two-ingesters-" + i + ".log").toFile());
                pb.environment().putAll(p.environment(Map.of("INGESTER_CONCURRENCY", "4", "INGESTER_PREFETCH", "16")));
                if (i == 0) {
                    pb.environment().put("OPS_PORT", Integer.toString(opsPort));
                }
                processes.add(pb.start());
            }
            // both registered before any envelope arrives, so both compete for the whole batch
            await().atMost(Duration.ofSeconds(60)).until(() -> openCti.registrations.get() == 2);
            for (int i = 0; i < 500; i++) {
                p.publish(IngesterIT.envelope(i, "cycle-500"));
            }
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                    openCti.importedReportIds().size() == 500 && broker.messageCount(p.topology.workQueue()) == 0);
            HttpResponse<String> ready = get(opsPort, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"opencti\"").contains("\"broker\"");
            assertThat(get(opsPort, "/metrics").body()).containsPattern("emailintel_emails_ingested_total\\{[^}]*\\} [1-9]");
            for (Process process : processes) {
                process.destroy(); // SIGTERM: graceful stop
            }
            for (Process process : processes) {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("exit code after SIGTERM").isZero();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> openCti.pushQueueDepth() == 0);
            openCti.imports.stream().filter(i -> i.type().equals("report"))
                    .forEach(i -> reports.merge(i.stixId(), 1, Integer::sum));
            assertThat(reports).hasSize(500);
            assertThat(reports.values()).allMatch(n -> n == 1);
            assertThat(openCti.droppedMessages.get()).as("push messages the platform dropped").isZero();
            // one work per fetch cycle per ingester: both processes took part
            assertThat(openCti.works).hasSize(2);
            // closed by them at SIGTERM, with one push per e-mail over both
            assertThat(openCti.closedWorks).hasSize(2);
            assertThat(openCti.closedWorks.stream().mapToInt(w -> Integer.parseInt(w.message().split(" ")[0])).sum())
                    .isEqualTo(500);
            assertThat(broker.messageCount(p.topology.deadLetterQueue())).isZero();
        } finally {
            for (Process process : processes) {
                if (process.isAlive()) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }


    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
                .toString();
    }
}
