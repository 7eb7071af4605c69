package io.emailintel.bench;

import io.emailintel.config.CommonSettings;
import io.emailintel.ingester.FakeOpenCti;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Packaged ingesters as the bench runs them: their environment, and starting N of them. */
final class Ingesters {

    /** The pipeline's default retry tiers, so the bench's declaration matches the ingesters'. */
    static final List<Duration> RETRY_DELAYS = CommonSettings.RETRY_DELAYS.parse(
            CommonSettings.RETRY_DELAYS.defaultValue());

    private Ingesters() {
    }

    /**
     * The ingester's environment (the variable names of IngesterSettings/CommonSettings): info logs (the
     * one line per e-mail carries {@code latency_ms=}), the fake platform, and its push broker overridden to
     * the bench's broker (FakeOpenCti announces the local default one).
     */
    static Map<String, String> env(TestBroker broker, FakeOpenCti openCti, Topology topology, String connectorId,
                                   int concurrency, int prefetch) {
        Map<String, String> env = new HashMap<>();
        env.put("CONNECTOR_LOG_LEVEL", "info");
        env.put("PIPELINE_RABBITMQ_URI", broker.uri());
        env.put("PIPELINE_QUEUE_PREFIX", topology.prefix());
        env.put("OPENCTI_URL", openCti.url().toString());
        env.put("OPENCTI_TOKEN", "test-token");
        env.put("CONNECTOR_ID", connectorId);
        env.put("INGESTER_CONCURRENCY", Integer.toString(concurrency));
        if (prefetch > 0) {
            env.put("INGESTER_PREFETCH", Integer.toString(prefetch));
        } // 0: unset, the ingester derives it from its heap
        URI uri = URI.create(broker.uri());
        boolean tls = "amqps".equalsIgnoreCase(uri.getScheme());
        env.put("MQ_HOST", uri.getHost());
        env.put("MQ_PORT", Integer.toString(uri.getPort() > 0 ? uri.getPort() : tls ? 5671 : 5672));
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "/"
                : URLDecoder.decode(uri.getRawPath().substring(1), StandardCharsets.UTF_8);
        env.put("MQ_VHOST", path);
        env.put("MQ_USE_SSL", Boolean.toString(tls));
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            env.put("MQ_USER", colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                env.put("MQ_PASS", userInfo.substring(colon + 1));
            }
        }
        return env;
    }

    static String newConnectorId() {
        return UUID.randomUUID().toString();
    }

    /** Starts {@code count} packaged ingesters named ingester-1…N with {@code args} after the jar. */
    static List<PackagedProcess> start(int count, Path jar, String xmx, Map<String, String> env, List<String> args,
                                       Path dir) throws IOException {
        return start(count, jar, xmx, List.of(), env, args, dir);
    }

    /** As above, with extra JVM options. */
    static List<PackagedProcess> start(int count, Path jar, String xmx, List<String> jvmArgs, Map<String, String> env,
                                       List<String> args, Path dir) throws IOException {
        List<PackagedProcess> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(PackagedProcess.start("ingester-" + i, jar, xmx, jvmArgs, args, env, dir));
        }
        return out;
    }

    static List<Path> logs(List<PackagedProcess> processes) {
        return processes.stream().map(p -> p.log).toList();
    }

    static long peakHeap(List<PackagedProcess> processes) {
        return processes.stream().mapToLong(PackagedProcess::peakHeapBytes).max().orElse(0);
    }

    /** Their CPU time together, at their last samples. */
    static long cpuNanos(List<PackagedProcess> processes) {
        return processes.stream().mapToLong(PackagedProcess::cpuNanos).sum();
    }

        static long peakRss(List<PackagedProcess> processes) {
        return processes.stream().mapToLong(PackagedProcess::peakRssKib).max().orElse(0);
    }

    /**
     * Waits for ingesters started with {@code --exit-when-idle}, sampling them (and calling {@code eachSample})
     * every 100 ms; requires clean exits, every e-mail ingested and none dead-lettered. Kills what is left on
     * the way out. Returns their per-e-mail log lines.
     */
    static IngestLog awaitIngested(List<PackagedProcess> ingesters, Runnable eachSample, TestBroker broker,
                                   Topology topology, int emails, String label, Path dir) throws Exception {
        long start = System.nanoTime();
        try {
            while (ingesters.stream().anyMatch(PackagedProcess::isAlive)) {
                ingesters.forEach(PackagedProcess::sample);
                eachSample.run();
                if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                    throw new IllegalStateException("the ingesters did not finish in 30 minutes");
                }
                Thread.sleep(100);
            }
            for (PackagedProcess p : ingesters) {
                p.awaitExit(Duration.ofSeconds(10));
                p.requireCleanExit();
            }
        } finally {
            for (PackagedProcess p : ingesters) {
                p.kill();
            }
        }
        IngestLog log = IngestLog.read(logs(ingesters));
        long dead = broker.messageCount(topology.deadLetterQueue());
        if (log.envelopeIds().size() != emails || dead != 0) {
            throw new IllegalStateException(label + ": " + log.envelopeIds().size() + " of " + emails
                    + " e-mails ingested, " + dead + " dead-lettered; logs in " + dir);
        }
        return log;
    }
}
