package io.emailintel.bench;

import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.ingester.FakeOpenCti;
import io.emailintel.testing.BenchBrokers;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Section 4: the packaged fetcher ({@code run}, delta mode, a short poll period) and packaged ingesters, while
 * e-mails arrive in the FakeGraph mailbox at a steady rate. Latency is publish (the fetcher's
 * {@code x-email-intel-published-at}) to OpenCTI accepting the report, as each ingester logs it per e-mail.
 */
final class EndToEndBench {

    /** The arrival rate of issue #20, e-mails per second (its p99 target is {@link Targets#MAX_E2E_P99_MS}). */
    static final int RATE = 200;

    /**
     * One measured run. CPU seconds are from the first arrival until every e-mail is ingested (JVM start-up and
     * shutdown left out, the JIT's warm-up under load included), the local broker's over the same time.
     */
    record Result(int emails, double ratePerSecond, double addSeconds, int ingesters, int ingested,
                  long p50Ms, long p99Ms, long maxMs, long fetcherPeakHeapBytes, long ingesterPeakHeapBytes,
                  long ingesterPeakRssKib, double fetcherCpuSeconds, double ingesterCpuSeconds,
                  double brokerCpuSeconds) {
    }

    private final String brokerUri;
    private final Path fetcherJar;
    private final Path ingesterJar;
    private final String prefix;

    EndToEndBench(String brokerUri, Path fetcherJar, Path ingesterJar, String prefix) {
        this.brokerUri = brokerUri;
        this.fetcherJar = fetcherJar;
        this.ingesterJar = ingesterJar;
        this.prefix = prefix;
    }

    Result run(int perSecond, int seconds, int ingesterCount, String pollPeriod) throws Exception {
        Path dir = Files.createTempDirectory("bench-e2e");
        int total = perSecond * seconds;
        byte[] pdf = SyntheticMail.pdf(SyntheticMail.PDF_BYTES, 11);
        byte[] exe = new byte[4 * 1024];
        String body = SyntheticMail.htmlBody();
        try (TestBroker broker = BenchBrokers.open(brokerUri, prefix + "-e2e");
             FakeOpenCti openCti = new FakeOpenCti(broker, "opencti");
             FakeGraph graph = new FakeGraph(SyntheticMail.MAILBOX)) {
            Topology topology = broker.declare(broker.prefix("p"), Ingesters.RETRY_DELAYS);
            List<PackagedProcess> ingesters = new ArrayList<>();
            List<PackagedProcess> all = new ArrayList<>();
            try (PushDrain drain = new PushDrain(broker.connect(), openCti.pushQueue())) {
                ingesters.addAll(Ingesters.start(ingesterCount, ingesterJar, "256m",
                        Ingesters.env(broker, openCti, topology, Ingesters.newConnectorId(), 4, 16),
                        List.of("run"), dir));
                PackagedProcess fetcher = PackagedProcess.start("fetcher", fetcherJar, "256m", List.of(
                                "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                                "-Djavax.net.ssl.trustStorePassword="
                                        + System.getProperty("javax.net.ssl.trustStorePassword"),
                                "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType")),
                        List.of("run"), fetcherEnv(broker, topology, graph, dir, pollPeriod), dir);
                all.addAll(ingesters);
                all.add(fetcher);
                // sampling calls /metrics over HTTP: off the arrival loop, so it cannot slow the arrival rate
                ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-sampler");
                    t.setDaemon(true);
                    return t;
                });
                sampler.scheduleWithFixedDelay(() -> all.forEach(PackagedProcess::sample), 0, 100,
                        TimeUnit.MILLISECONDS);
                try {
                    awaitReady(all, graph);
                    long brokerCpu = CpuTime.broker();
                    long fetcherCpu = fetcher.sampleCpu();
                    long ingesterCpu = ingesters.stream().mapToLong(PackagedProcess::sampleCpu).sum();
                    long start = System.nanoTime();
                    long interval = 1_000_000_000L / perSecond;
                    for (int i = 0; i < total; i++) {
                        long due = start + i * interval;
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        FakeGraph.Content content = FakeGraph.Content.of("e2e advisory " + i)
                                .withBody("html", body).withInternetMessageId("<e2e-" + i + "@vendor.example>");
                        if (SyntheticMail.hasPdf(i)) {
                            graph.add("inbox-id", Instant.now(), content, new FakeGraph.Attachment("a" + i,
                                    "fileAttachment", "report.pdf", "application/pdf", pdf, false));
                        } else if (SyntheticMail.hasExe(i)) {
                            graph.add("inbox-id", Instant.now(), content, new FakeGraph.Attachment("x" + i,
                                    "fileAttachment", "tool.exe", "application/x-msdownload", exe, false));
                        } else {
                            graph.add("inbox-id", Instant.now(), content);
                        }
                    }
                    double addSeconds = (System.nanoTime() - start) / 1e9;
                    IngestLog log = awaitIngested(all, ingesters, total, dir);
                    long brokerUsed = CpuTime.broker() - brokerCpu;
                    long fetcherUsed = fetcher.sampleCpu() - fetcherCpu;
                    long ingestersUsed = ingesters.stream().mapToLong(PackagedProcess::sampleCpu).sum() - ingesterCpu;
                    for (PackagedProcess p : all) {
                        p.terminate();
                    }
                    for (PackagedProcess p : all) {
                        p.awaitExit(Duration.ofSeconds(60));
                        p.requireCleanExit();
                    }
                    return new Result(total, total / addSeconds, addSeconds, ingesterCount,
                            log.envelopeIds().size(), log.percentileMs(50), log.percentileMs(99), log.maxMs(),
                            fetcher.peakHeapBytes(), Ingesters.peakHeap(ingesters), Ingesters.peakRss(ingesters),
                            fetcherUsed / 1e9, ingestersUsed / 1e9, brokerUsed / 1e9);
                } finally {
                    sampler.shutdownNow();
                    for (PackagedProcess p : all) {
                        p.kill();
                    }
                }
            }
        }
    }

    private static Map<String, String> fetcherEnv(TestBroker broker, Topology topology, FakeGraph graph, Path dir,
                                                  String pollPeriod) {
        Map<String, String> env = new HashMap<>();
        env.put("CONNECTOR_LOG_LEVEL", "warn");
        env.put("PIPELINE_RABBITMQ_URI", broker.uri());
        env.put("PIPELINE_QUEUE_PREFIX", topology.prefix());
        env.put("EMAIL_INTEL_MICROSOFT_TENANT_ID", FakeGraph.TENANT);
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_ID", "00000000-0000-0000-0000-000000000001");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", FakeGraph.CLIENT_SECRET);
        env.put("EMAIL_INTEL_MICROSOFT_EMAIL", SyntheticMail.MAILBOX);
        env.put("EMAIL_INTEL_MICROSOFT_INBOX", "Inbox");
        env.put("EMAIL_INTEL_MICROSOFT_GRAPH_BASE_URL", graph.baseUrl());
        env.put("EMAIL_INTEL_MICROSOFT_AUTHORITY_HOST", graph.authorityHost());
        env.put("CONNECTOR_DURATION_PERIOD", pollPeriod);
        env.put("FETCHER_STATE_DIR", dir.resolve("state").toString());
        return env;
    }

    /** Until every ingester's ops endpoint answers and the fetcher has made its first delta request. */
    private static void awaitReady(List<PackagedProcess> all, FakeGraph graph) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (PackagedProcess p : all) {
                if (!p.isAlive()) {
                    p.requireCleanExit();
                    throw new IllegalStateException(p.name + " exited early (exit 0); see " + p.log);
                }
            }
            boolean delta = graph.requests().stream().anyMatch(r -> r.path().contains("/delta"));
            if (delta && all.stream().allMatch(PackagedProcess::opsUp)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("fetcher and ingesters not ready (delta mode, ops up) within 90 s");
    }

    private static IngestLog awaitIngested(List<PackagedProcess> all, List<PackagedProcess> ingesters, int total,
                                           Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (PackagedProcess p : all) {
                if (!p.isAlive()) {
                    p.requireCleanExit();
                    throw new IllegalStateException(p.name + " exited during the run; see " + p.log);
                }
            }
            IngestLog log = IngestLog.read(Ingesters.logs(ingesters));
            if (log.envelopeIds().size() >= total) {
                return log;
            }
            Thread.sleep(1000); // each read parses the whole logs: this JVM shares the cores with the processes measured
        }
        throw new IllegalStateException("not every e-mail was ingested within 5 minutes; logs in " + dir);
    }
}
