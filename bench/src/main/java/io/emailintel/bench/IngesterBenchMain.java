package io.emailintel.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Section 3 on its own, for profiling the ingester: the same pre-filled work queue and FakeOpenCti as
 * {@link IngesterBench}, but a jar of one's choice (to compare builds back to back) and extra JVM options for
 * the ingester processes (e.g. {@code -XX:StartFlightRecording=filename=…}). Prints one line per run.
 *
 * <pre>
 * java -cp bench/target/bench.jar io.emailintel.bench.IngesterBenchMain --jar ingester/target/ingester.jar \
 *     --emails 2000 --processes 1 [--concurrency 4] [--prefetch 16] [--runs 1] [--jvm -XX:...] [--broker amqp://…]
 *     [--e2e-fetcher fetcher/target/fetcher.jar [--e2e-seconds 30] [--e2e-rate 200]]   (section 4 instead)
 *     [--memory]   (section 5's ingester half instead: 40 e-mails with 12 MiB attachments, -Xmx256m, default prefetch)
 * </pre>
 */
public final class IngesterBenchMain {

    private IngesterBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        FakeServers.answerWithoutDelay();
        Path jar = Path.of("ingester/target/ingester.jar");
        int emails = 2000;
        int processes = 1;
        int concurrency = 4;
        int prefetch = 16;
        int runs = 1;
        String broker = "amqp://guest:guest@127.0.0.1:5672/%2F";
        List<String> jvm = new ArrayList<>();
        Path fetcher = null;
        int e2eSeconds = 30;
        int e2eRate = EndToEndBench.RATE;
        boolean memory = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--emails" -> emails = Integer.parseInt(args[++i]);
                case "--processes" -> processes = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--prefetch" -> prefetch = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--broker" -> broker = args[++i];
                case "--e2e-fetcher" -> fetcher = Path.of(args[++i]);
                case "--e2e-seconds" -> e2eSeconds = Integer.parseInt(args[++i]);
                case "--e2e-rate" -> e2eRate = Integer.parseInt(args[++i]);
                case "--memory" -> memory = true;
                case "--jvm" -> jvm.addAll(Arrays.asList(args[++i].split(" ")));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (memory) {
            // section 5's ingester half alone, as bench/run runs it (default prefetch, -Xmx256m, large mail)
            IngesterBench.Result m = BenchMain.ingesterMemoryRun(new IngesterBench(broker, jar.toAbsolutePath(),
                    "ibmem" + System.nanoTime() % 100000, Duration.ofSeconds(2)), false,
                    Instant.now().minusSeconds(86_400).truncatedTo(ChronoUnit.SECONDS));
            System.out.printf("%s memory e-mails=%d processes=%d xmx=%s prefetch=default ingested=%d seconds=%.2f "
                            + "peak-heap-MiB=%.0f peak-RSS-MiB=%.0f%n", jar.getFileName(), m.emails(), m.processes(),
                    m.xmx(), m.ingested(), m.seconds(), m.peakHeapBytes() / 1048576.0, m.peakRssKib() / 1024.0);
            return;
        }
        if (fetcher != null) {
            // section 4 with this ingester jar: fetcher + 2 ingesters, EndToEndBench.RATE e-mails/s arriving
            EndToEndBench.Result e = new EndToEndBench(broker, fetcher.toAbsolutePath(), jar.toAbsolutePath(),
                    "ibe" + System.nanoTime() % 100000).run(e2eRate, e2eSeconds, 2, "PT1S");
            System.out.printf("%s e2e e-mails=%d rate/s=%.1f ingested=%d p50-ms=%d p99-ms=%d max-ms=%d "
                            + "cpu-s-per-1000: fetcher=%.2f ingesters=%.2f broker=%.2f%n",
                    jar.getFileName(), e.emails(), e.ratePerSecond(), e.ingested(), e.p50Ms(), e.p99Ms(), e.maxMs(),
                    e.fetcherCpuSeconds() * 1000 / e.emails(), e.ingesterCpuSeconds() * 1000 / e.emails(),
                    e.brokerCpuSeconds() * 1000 / e.emails());
            return;
        }
        for (int r = 1; r <= runs; r++) {
            Result res = run(broker, jar.toAbsolutePath(), "ibm" + System.nanoTime() % 100000, emails, processes,
                    concurrency, prefetch, jvm);
            System.out.printf("%s processes=%d concurrency=%d prefetch=%d e-mails=%d seconds=%.2f e-mails/s=%.0f "
                            + "steady-seconds=%.2f steady-e-mails/s=%.0f graphql=%d per-e-mail=%.4f push-messages=%d "
                            + "peak-heap-MiB=%.0f ingester-cpu-s=%.1f cpu-ms/e-mail=%.2f steady-cpu-ms/e-mail=%.2f "
                            + "broker-cpu-s=%.1f logs=%s%n",
                    jar.getFileName(), processes, concurrency, prefetch,
                    emails, res.seconds, emails / res.seconds, res.steady, emails / res.steady, res.graphql,
                    res.graphql / (double) emails, res.pushMessages, res.peakHeap / 1048576.0, res.cpuSeconds,
                    res.cpuSeconds * 1000 / emails, res.steadyCpuMsPerEmail, res.brokerCpuSeconds, res.dir);
        }
    }

    /**
     * @param cpuSeconds       user + system CPU of the ingester processes, start to exit
     * @param steadyCpuMsPerEmail their CPU per e-mail between 10 % and 90 % of the push messages ({@link SteadyCpu})
     * @param brokerCpuSeconds the local RabbitMQ's (beam.smp) CPU over the same time, 0 when not found
     */
    record Result(double seconds, double steady, int graphql, long pushMessages, long peakHeap, Path dir,
                  double cpuSeconds, double brokerCpuSeconds, double steadyCpuMsPerEmail) {
    }

    /** Section 3's run ({@link IngesterBench}) with this jar and JVM options ({@code {dir}}: the run's directory). */
    static Result run(String brokerUri, Path jar, String prefix, int emails, int processes, int concurrency,
                      int prefetch, List<String> jvm) throws Exception {
        Instant receivedBase = Instant.now().minusSeconds(86_400).truncatedTo(ChronoUnit.SECONDS);
        String cycle = "bench-main-" + System.nanoTime();
        IngesterBench.Result r = new IngesterBench(brokerUri, jar, prefix, Duration.ofSeconds(2)).run("main", emails,
                processes, "256m", concurrency, prefetch, jvm,
                i -> SyntheticMail.standard(i, cycle, receivedBase.plusSeconds(i)));
        return new Result(r.seconds(), r.steadySeconds(), r.graphqlCalls(), r.pushMessages(), r.peakHeapBytes(),
                r.dir(), r.cpuSeconds(), r.brokerCpuSeconds(), r.steadyCpuMsPerEmail());
    }
}
