package io.emailintel.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.fake.TestTls;
import io.emailintel.ingester.FakeOpenCti;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One scenario's world: a FakeGraph mailbox of N e-mails (every third with a PDF), a FakeOpenCti, a pipeline
 * topology under a fresh prefix, and the fetcher and ingesters as child JVMs (the test class path, so no race
 * with a concurrent build of the shaded jars). Counts what the fake platform's worker imported (by STIX id: what
 * OpenCTI would hold, not what was pushed) and what reached the dead-letter queue.
 * Every child process is killed in {@link #close()}.
 */
final class Rig implements AutoCloseable {

    static final String MAILBOX = "cti@example.org";
    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofMillis(200), Duration.ofMillis(500));
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestBroker broker;
    /** Where the pipeline's queues live: {@link #broker} itself, or a cluster ({@link ClusterRig}). */
    final TestBroker pipeline;
    final FakeGraph graph;
    final FakeOpenCti openCti;
    final Topology topology;
    final String name;
    final int emails;
    final Path dir;
    final String connectorId = UUID.randomUUID().toString();
    private final Channel channel;
    /** On the pipeline's broker (the same channel when that is {@link #broker}): queue depths. */
    private final Channel pipelineChannel;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Map<Process, Path> logsByProcess = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> importsById = new HashMap<>();
    private final Map<String, Set<String>> idsBySubject = new HashMap<>();
    private int importsSeen;
    private final Instant started = Instant.now();
    private int logs;
    String brokerUriForProcesses;
    /** Where the ingesters reach OpenCTI; through {@link #proxyOpenCti()} when a scenario cuts it. */
    String openCtiUrlForProcesses;
    /** Overrides the platform broker port that OpenCTI announces (MQ_PORT), e.g. to a proxy's. */
    Integer pushBrokerPortForProcesses;
    private final List<ChaosProxy> proxies = new CopyOnWriteArrayList<>();

    Rig(TestBroker broker, String name, int emails) throws Exception {
        this(broker, broker, name, emails, 4, Duration.ZERO);
    }

    /**
     * The pipeline (topology, fetcher, ingesters) on {@code pipeline}, OpenCTI's own push queue on {@code broker}
     * (as in production, the platform's RabbitMQ is not the pipeline's).
     */
    Rig(TestBroker broker, TestBroker pipeline, String name, int emails) throws Exception {
        this(broker, pipeline, name, emails, 4, Duration.ZERO);
    }

    /**
     * @param workerConsumers   consumers of the fake platform's worker on the push queue
     * @param workerPerMessage  how long that worker takes to import one object
     */
    Rig(TestBroker broker, String name, int emails, int workerConsumers, Duration workerPerMessage) throws Exception {
        this(broker, broker, name, emails, workerConsumers, workerPerMessage);
    }

    private Rig(TestBroker broker, TestBroker pipeline, String name, int emails, int workerConsumers,
                Duration workerPerMessage) throws Exception {
        this.broker = broker;
        this.pipeline = pipeline;
        this.name = name;
        this.emails = emails;
        TestTls.serverContext(); // installs the trust store system properties passed to the children
        this.graph = new FakeGraph(MAILBOX);
        this.openCti = new FakeOpenCti(broker, name);
        this.topology = pipeline.declare(pipeline.prefix(name + "-p"), RETRY_DELAYS);
        this.dir = Files.createTempDirectory("reliability-" + name);
        this.channel = broker.connect().createChannel();
        this.pipelineChannel = pipeline == broker ? channel : pipeline.connect().createChannel();
        openCti.startWorker(workerConsumers, workerPerMessage);
        this.brokerUriForProcesses = pipeline.uri();
        this.openCtiUrlForProcesses = openCti.url().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < emails; i++) {
            FakeGraph.Attachment[] atts = i % 3 == 0
                    ? new FakeGraph.Attachment[] {new FakeGraph.Attachment("a" + i, "fileAttachment",
                            "ioc-" + i + ".pdf", "application/pdf", pdf, false)}
                    : new FakeGraph.Attachment[0];
            graph.add("inbox-id", now.minus(Duration.ofSeconds(emails - i)).minus(Duration.ofHours(1)),
                    subject(i), atts);
        }
    }

    /**
     * Puts a {@link ChaosProxy} between every process started from now on and the broker: the fetcher's and
     * ingesters' pipeline connections and the ingesters' push connection to "OpenCTI's" broker.
     */
    ChaosProxy proxyBroker() throws IOException {
        URI uri = URI.create(broker.uri());
        ChaosProxy proxy = new ChaosProxy(name + "-broker-proxy", uri.getHost(), uri.getPort());
        proxies.add(proxy);
        brokerUriForProcesses = uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                + uri.getHost() + ":" + proxy.port() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        pushBrokerPortForProcesses = proxy.port();
        return proxy;
    }

    /** Puts a {@link ChaosProxy} between the ingesters started from now on and the fake OpenCTI. */
    ChaosProxy proxyOpenCti() throws IOException {
        ChaosProxy proxy = new ChaosProxy(name + "-opencti-proxy", openCti.url().getHost(), openCti.url().getPort());
        proxies.add(proxy);
        openCtiUrlForProcesses = "http://127.0.0.1:" + proxy.port();
        return proxy;
    }

    static String subject(int i) {
        return "advisory " + i;
    }

    static int sizeFromProperty(int ciDefault) {
        return Integer.getInteger("reliability.emails", ciDefault);
    }

    // ---- processes ----------------------------------------------------------------------------------------

    Map<String, String> common() {
        Map<String, String> env = new HashMap<>();
        env.put("CONNECTOR_LOG_LEVEL", "info");
        env.put("PIPELINE_RABBITMQ_URI", brokerUriForProcesses);
        env.put("PIPELINE_QUEUE_PREFIX", topology.prefix());
        env.put("PIPELINE_RETRY_DELAYS", "PT0.2S,PT0.5S");
        return env;
    }

    Map<String, String> fetcherEnv() {
        Map<String, String> env = common();
        env.put("EMAIL_INTEL_MICROSOFT_TENANT_ID", FakeGraph.TENANT);
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_ID", "00000000-0000-0000-0000-000000000001");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "not-a-real-secret");
        env.put("EMAIL_INTEL_MICROSOFT_EMAIL", MAILBOX);
        env.put("EMAIL_INTEL_MICROSOFT_GRAPH_BASE_URL", graph.baseUrl());
        env.put("EMAIL_INTEL_MICROSOFT_AUTHORITY_HOST", graph.authorityHost());
        env.put("EMAIL_INTEL_MICROSOFT_PAGE_SIZE", "25");
        env.put("EMAIL_INTEL_MICROSOFT_MAX_RETRY_WAIT", "PT2S");
        env.put("CONNECTOR_DURATION_PERIOD", "PT2S");
        env.put("FETCHER_STATE_DIR", dir.resolve("state").toString());
        return env;
    }

    Map<String, String> ingesterEnv() {
        Map<String, String> env = common();
        env.put("OPENCTI_URL", openCtiUrlForProcesses);
        if (pushBrokerPortForProcesses != null) {
            env.put("MQ_PORT", pushBrokerPortForProcesses.toString());
        }
        env.put("OPENCTI_TOKEN", "test-token");
        env.put("CONNECTOR_ID", connectorId);
        env.put("INGESTER_QUICK_RETRY_BACKOFF", "PT0.01S");
        env.put("INGESTER_CIRCUIT_PROBE_INTERVAL", "PT0.2S");
        env.put("INGESTER_WORK_QUIET_PERIOD", "PT0.5S");
        env.put("INGESTER_PING_INTERVAL", "PT1S");
        env.put("INGESTER_PUSH_TIMEOUT", "PT5S");
        env.put("INGESTER_SHUTDOWN_GRACE", "PT5S");
        env.put("INGESTER_CONCURRENCY", "4");
        env.put("INGESTER_PREFETCH", "16");
        return env;
    }

    Process startFetcher() throws IOException {
        return startFetcher(Map.of());
    }

    Process startFetcher(Map<String, String> extra) throws IOException {
        Map<String, String> env = fetcherEnv();
        env.putAll(extra);
        return start("io.emailintel.fetcher.FetcherCommand", env, "fetcher", "run");
    }

    Process startIngester() throws IOException {
        return startIngester(Map.of());
    }

    Process startIngester(Map<String, String> extra) throws IOException {
        Map<String, String> env = ingesterEnv();
        env.putAll(extra);
        return start("io.emailintel.ingester.IngesterCommand", env, "ingester", "run");
    }

    /** A one-shot command (e.g. {@code dlq replay}); waits for it and returns its exit code. */
    int runIngesterCommand(String... args) throws Exception {
        Process p = start("io.emailintel.ingester.IngesterCommand", ingesterEnv(), "ingester-cmd", args);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ingester " + String.join(" ", args) + " did not finish in 60 s");
        }
        return p.exitValue();
    }

    private Process start(String mainClass, Map<String, String> env, String role, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                "-Djavax.net.ssl.trustStorePassword=" + System.getProperty("javax.net.ssl.trustStorePassword"),
                "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType"),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Path log = Path.of("target", "reliability-logs", name + "-" + role + "-" + (logs++) + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        logsByProcess.put(p, log);
        return p;
    }

    /**
     * Waits (bounded) until the process has logged {@code text}, e.g. that it is running: a signal sent before the
     * JVM installed its handler ends it with 143 instead of the graceful stop a scenario wants to test.
     */
    void awaitLog(Process p, String text, Duration atMost) throws Exception {
        Path log = logsByProcess.get(p);
        Instant deadline = Instant.now().plus(atMost);
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError(log + " does not say '" + text + "' (alive: " + p.isAlive() + ")");
            }
            Thread.sleep(100);
        }
    }

    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait; returns the exit code (or -1 if it did not stop in time and was killed). */
    static int sigterm(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            return -1;
        }
        return p.exitValue();
    }

    // ---- counting -----------------------------------------------------------------------------------------

    /** Reads what the platform's worker imported since the last call into the counts (either protocol). */
    synchronized void collect() {
        List<FakeOpenCti.Imported> imports = openCti.imports;
        while (importsSeen < imports.size()) {
            FakeOpenCti.Imported i = imports.get(importsSeen++);
            if ("report".equals(i.type())) {
                importsById.merge(i.stixId(), 1, Integer::sum);
                idsBySubject.computeIfAbsent(i.name(), k -> new HashSet<>()).add(i.stixId());
            }
        }
    }

    synchronized int distinctReports() {
        return importsById.size();
    }

    /** For a scenario that lost e-mails: the reports an ingester logged as pushed that the platform never imported. */
    synchronized void printPushedNotImported() throws IOException {
        collect();
        java.util.regex.Pattern ingested = java.util.regex.Pattern.compile("ingested as (report--[0-9a-f-]+)");
        for (Path log : logsByProcess.values()) {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                java.util.regex.Matcher m = ingested.matcher(line);
                if (m.find() && !importsById.containsKey(m.group(1))) {
                    System.out.println("reliability: pushed, never imported (" + log.getFileName() + "): " + line);
                }
            }
        }
    }

    /** Lines of every process's log so far that contain {@code text}. */
    long logLines(String text) throws IOException {
        long n = 0;
        for (Path log : logsByProcess.values()) {
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                n += lines.filter(l -> l.contains(text)).count();
            }
        }
        return n;
    }

    // on the rig's channel: TestBroker.messageCount opens a connection per call, kept to the end of the class
    long deadLetterCount() throws IOException {
        return pipelineChannel.messageCount(topology.deadLetterQueue());
    }

    long workCount() throws IOException {
        return pipelineChannel.messageCount(topology.workQueue());
    }

    /** Waits (bounded) until OpenCTI has at least {@code n} distinct reports: the pipeline is flowing. */
    void awaitReports(int n, Duration atMost) throws Exception {
        Instant deadline = Instant.now().plus(atMost);
        collect();
        while (distinctReports() < n) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("fewer than " + n + " reports after " + atMost);
            }
            Thread.sleep(100);
            collect();
        }
    }

    /** Waits (bounded) until every e-mail is a report or a dead letter and the work queue is empty. */
    boolean awaitDrained(int expected, Duration atMost) throws Exception {
        Instant deadline = Instant.now().plus(atMost);
        while (Instant.now().isBefore(deadline)) {
            collect();
            if (distinctReports() + deadLetterCount() >= expected && workCount() == 0) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** Takes the dead letters (distinct by message id) and builds the scenario's tally. */
    synchronized Tally tally(String scenario, Instant from) throws IOException {
        collect();
        Duration drain = Duration.between(from, Instant.now());
        Map<String, Integer> reasons = new TreeMap<>();
        Set<String> dead = new HashSet<>();
        GetResponse r;
        Channel deadChannel = pipelineChannel;
        while ((r = deadChannel.basicGet(topology.deadLetterQueue(), true)) != null) {
            String id = r.getProps().getMessageId() == null ? UUID.randomUUID().toString() : r.getProps().getMessageId();
            if (dead.add(id)) {
                Object reason = r.getProps().getHeaders() == null ? null
                        : r.getProps().getHeaders().get("x-email-intel-failure-reason");
                reasons.merge(String.valueOf(reason), 1, Integer::sum);
            }
        }
        int duplicated = (int) idsBySubject.values().stream().filter(s -> s.size() > 1).count();
        int rawRePushes = importsById.values().stream().mapToInt(n -> n - 1).sum();
        return new Tally(scenario, emails, importsById.size(), dead.size(), reasons, duplicated, rawRePushes, drain);
    }

    Instant started() {
        return started;
    }

    @Override
    public void close() throws Exception {
        for (ChaosProxy proxy : proxies) {
            proxy.close();
        }
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        try {
            openCti.close();
        } finally {
            graph.close();
        }
    }
}
