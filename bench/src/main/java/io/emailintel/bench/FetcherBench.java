package io.emailintel.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.topology.BrokerUri;
import io.emailintel.topology.Topology;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Section 2: the packaged fetcher ({@code run --once}) against a synthetic mailbox in a {@link FakeGraph}: 20 KB
 * HTML bodies, a 200 KiB PDF on every tenth e-mail, a disallowed .exe on every twentieth (offset by one).
 *
 * <p>Standalone: {@code java -cp bench/target/bench.jar io.emailintel.bench.FetcherBench [emails] [xmx]
 * [fetcher.jar] [broker] [-- extra JVM options for the fetcher, e.g. -XX:StartFlightRecording=…]}.
 */
final class FetcherBench {

    /**
     * One measured fetcher run; {@code requestsByKind} splits the Graph requests by what they asked for; the CPU
     * seconds (the fetcher process's from start to exit, this JVM's, which is mostly the FakeGraph, and the local
     * broker's) are less sensitive than wall time to other work on a shared machine.
     */
    record Result(int emails, int published, double seconds, int graphRequests, long peakHeapBytes,
                  long peakRssKib, int exitCode, Map<String, Integer> requestsByKind, int maxConcurrentRequests,
                  double fetcherCpuSeconds, double benchCpuSeconds, double brokerCpuSeconds) {
        double fetcherCpuSecondsPerThousand() {
            return fetcherCpuSeconds * 1000 / Math.max(1, published);
        }

        double emailsPerSecond() {
            return published / seconds;
        }

        double requestsPerEmail() {
            return (double) graphRequests / Math.max(1, published);
        }
    }

    private static final String MAILBOX = "cti@example.org";
    /** The body size the issue specifies for the synthetic mailbox. */
    private static final String BODY = SyntheticMail.htmlBody();

    private final BrokerUri uri;
    private final String broker;
    private final Path fetcherJar;

    FetcherBench(String broker, Path fetcherJar) {
        this.broker = broker;
        this.uri = BrokerUri.parse(broker);
        this.fetcherJar = fetcherJar;
    }

    Result run(int emails, String prefix, String xmx) throws Exception {
        return run(emails, prefix, xmx, List.of());
    }

    /** As above, with extra JVM options for the fetcher process (a flight recording, GC logging). */
    Result run(int emails, String prefix, String xmx, List<String> jvmOptions) throws Exception {
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
                FakeGraph.Content content = FakeGraph.Content.of("advisory " + i).withBody("html", BODY);
                if (i % 10 == 0) {
                    graph.add("inbox-id", at, content, new FakeGraph.Attachment("a" + i, "fileAttachment",
                            "report.pdf", "application/pdf", pdf, false));
                } else if (i % 20 == 1) {
                    graph.add("inbox-id", at, content, new FakeGraph.Attachment("x" + i, "fileAttachment",
                            "tool.exe", "application/x-msdownload", exe, false));
                } else {
                    graph.add("inbox-id", at, content);
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
            long benchCpuStart = CpuTime.self();
            long brokerCpuStart = CpuTime.broker();
            long childrenCpuStart = CpuTime.reapedChildren();
            long start = System.nanoTime();
            List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + xmx,
                    "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                    "-Djavax.net.ssl.trustStorePassword=" + System.getProperty("javax.net.ssl.trustStorePassword"),
                    "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType")));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", fetcherJar.toString(), "run", "--once", "--config", yml.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("fetcher.log").toFile())
                    .start();
            long peakHeap = 0;
            long peakRss = 0;
            Duration fetcherCpu = Duration.ZERO;
            try {
                while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    peakRss = Math.max(peakRss, PackagedProcess.rssKib(process.pid()));
                    fetcherCpu = process.info().totalCpuDuration().orElse(fetcherCpu);
                    peakHeap = Math.max(peakHeap, PackagedProcess.heapUsed(opsPort));
                    if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
                        throw new IllegalStateException("the fetcher did not finish in 30 minutes");
                    }
                }
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double benchCpu = (CpuTime.self() - benchCpuStart) / 1e9;
            double brokerCpu = (CpuTime.broker() - brokerCpuStart) / 1e9;
            long reaped = CpuTime.reapedChildren() - childrenCpuStart; // exact, where /proc has it
            if (reaped > 0) {
                fetcherCpu = Duration.ofNanos(reaped);
            }
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
            List<FakeGraph.Request> requests = graph.requests();
            Map<String, Integer> byKind = new TreeMap<>();
            for (FakeGraph.Request r : requests) {
                byKind.merge(kind(r), 1, Integer::sum);
            }
            return new Result(emails, published, seconds, requests.size(), peakHeap, peakRss, exit, byKind,
                    graph.maxConcurrentRequests(), fetcherCpu.toNanos() / 1e9, benchCpu, brokerCpu);
        }
    }

    /** What a request asked for, its ids left out: listing, listing next page, attachment content, … */
    static String kind(FakeGraph.Request r) {
        String path = r.path();
        if (path.startsWith("token:")) {
            return "token";
        }
        String query = r.query() == null ? "" : r.query();
        if (path.matches(".*/mailFolders/[^/]+/messages")) {
            return query.contains("skip") ? "listing (next page)" : "listing (first page)";
        }
        if (path.contains("/delta")) {
            return "delta";
        }
        if (path.endsWith("/$value")) {
            return "attachment $value";
        }
        if (path.matches(".*/messages/[^/]+/attachments/[^/]+")) {
            return "attachment (contentBytes)";
        }
        if (path.matches(".*/messages/[^/]+/attachments")) {
            return "attachment list";
        }
        if (path.matches(".*/messages/[^/]+")) {
            return "message";
        }
        return path.contains("mailFolders") ? "folders" : "other " + path;
    }

    /** A standalone run (see the class comment); prints the result and the requests by kind. */
    public static void main(String[] args) throws Exception {
        FakeServers.answerWithoutDelay();
        List<String> own = new ArrayList<>(List.of(args));
        List<String> jvm = new ArrayList<>();
        int dashes = own.indexOf("--");
        if (dashes >= 0) {
            jvm.addAll(own.subList(dashes + 1, own.size()));
            own = new ArrayList<>(own.subList(0, dashes));
        }
        int emails = own.size() > 0 ? Integer.parseInt(own.get(0)) : 10_000;
        String xmx = own.size() > 1 ? own.get(1) : "512m";
        Path jar = Path.of(own.size() > 2 ? own.get(2) : "fetcher/target/fetcher.jar");
        String broker = own.size() > 3 ? own.get(3) : "amqp://guest:guest@127.0.0.1:5672/%2F";
        String prefix = "bench-fetcher-" + Long.toHexString(System.nanoTime());
        Result r = new FetcherBench(broker, jar).run(emails, prefix, xmx, jvm);
        System.out.printf("e-mails %d, published %d, %.2f s, %.0f e-mails/s, %d Graph requests (%.3f/e-mail, at most "
                        + "%d at once), peak heap %.0f MiB, peak RSS %.0f MiB; CPU s: fetcher %.1f (%.2f per 1,000 "
                        + "e-mails), bench JVM with the FakeGraph %.1f, broker %.1f%n", r.emails(), r.published(),
                r.seconds(), r.emailsPerSecond(), r.graphRequests(), r.requestsPerEmail(), r.maxConcurrentRequests(),
                r.peakHeapBytes() / 1048576.0, r.peakRssKib() / 1024.0, r.fetcherCpuSeconds(),
                r.fetcherCpuSecondsPerThousand(), r.benchCpuSeconds(), r.brokerCpuSeconds());
        r.requestsByKind().forEach((k, n) -> System.out.printf("  %-28s %6d%n", k, n));
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
