package io.emailintel.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.topology.BrokerUri;
import io.emailintel.topology.Topology;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Section 2: the packaged fetcher ({@code run --once}) against a synthetic mailbox in a {@link FakeGraph}. */
final class FetcherBench {

    /** One measured fetcher run. */
    record Result(int emails, int published, double seconds, int graphRequests, long peakHeapBytes,
                  long peakRssKib, int exitCode) {
        double emailsPerSecond() {
            return published / seconds;
        }

        double requestsPerEmail() {
            return (double) graphRequests / Math.max(1, published);
        }
    }

    private static final String MAILBOX = "cti@example.org";

    private final BrokerUri uri;
    private final String broker;
    private final Path fetcherJar;

    FetcherBench(String broker, Path fetcherJar) {
        this.broker = broker;
        this.uri = BrokerUri.parse(broker);
        this.fetcherJar = fetcherJar;
    }

    Result run(int emails, String prefix, String xmx) throws Exception {
        Path dir = Files.createTempDirectory("bench-fetcher");
        Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue()));
        byte[] pdf = new byte[200 * 1024];
        System.arraycopy("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII), 0, pdf, 0, 9);
        byte[] exe = new byte[4 * 1024];
        try (FakeGraph graph = new FakeGraph(MAILBOX); Connection connection = uri.connect("bench-fetcher")) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < emails; i++) {
                Instant at = now.minus(Duration.ofSeconds(emails - i + 60L));
                if (i % 10 == 0) {
                    graph.add("inbox-id", at, "advisory " + i, new FakeGraph.Attachment("a" + i, "fileAttachment",
                            "report.pdf", "application/pdf", pdf, false));
                } else if (i % 20 == 1) {
                    graph.add("inbox-id", at, "advisory " + i, new FakeGraph.Attachment("x" + i, "fileAttachment",
                            "tool.exe", "application/x-msdownload", exe, false));
                } else {
                    graph.add("inbox-id", at, "advisory " + i);
                }
            }
            int opsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                opsPort = socket.getLocalPort();
            }
            Path yml = dir.resolve("config.yml");
            Files.writeString(yml, String.join("\n",
                    "connector:",
                    "  log_level: warn",
                    "pipeline:",
                    "  rabbitmq_uri: \"" + broker + "\"",
                    "  queue_prefix: " + prefix,
                    "email_intel_microsoft:",
                    "  tenant_id: " + FakeGraph.TENANT,
                    "  client_id: 00000000-0000-0000-0000-000000000001",
                    "  client_secret: " + FakeGraph.CLIENT_SECRET,
                    "  email: " + MAILBOX,
                    "  inbox: Inbox",
                    "  graph_base_url: " + graph.baseUrl(),
                    "  authority_host: " + graph.authorityHost(),
                    "fetcher:",
                    "  state_dir: " + dir.resolve("state"),
                    "ops:",
                    "  port: " + opsPort,
                    ""));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            long start = System.nanoTime();
            Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx" + xmx,
                    "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                    "-Djavax.net.ssl.trustStorePassword=" + System.getProperty("javax.net.ssl.trustStorePassword"),
                    "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType"),
                    "-jar", fetcherJar.toString(), "run", "--once", "--config", yml.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("fetcher.log").toFile())
                    .start();
            long peakHeap = 0;
            long peakRss = 0;
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
            try {
                while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    peakRss = Math.max(peakRss, rssKib(process.pid()));
                    peakHeap = Math.max(peakHeap, heapUsed(http, opsPort));
                    if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
                        throw new IllegalStateException("the fetcher did not finish in 30 minutes");
                    }
                }
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int exit = process.exitValue();
            String log = Files.readString(dir.resolve("fetcher.log"));
            if (exit != 0 || log.contains("OutOfMemoryError")) {
                throw new IllegalStateException("the fetcher failed (exit " + exit + "):\n" + tail(log));
            }
            int published;
            try (Channel ch = connection.createChannel()) {
                published = (int) ch.queueDeclarePassive(topology.workQueue()).getMessageCount();
            }
            topology.delete(connection);
            return new Result(emails, published, seconds, graph.requests().size(), peakHeap, peakRss, exit);
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    /** VmHWM (the process's peak RSS so far), in KiB; 0 where /proc is not available. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // the process has exited, or no /proc
        }
        return 0;
    }

    /** The sum of jvm_memory_used_bytes{area="heap"} from the process's /metrics; 0 when not reachable. */
    static long heapUsed(HttpClient http, int port) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) sum;
        } catch (Exception e) {
            return 0;
        }
    }
}
