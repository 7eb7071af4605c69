package io.emailintel.bench;

import io.emailintel.topology.BrokerUri;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the benchmarks and writes the results as Markdown. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Email Intel against the broker's own limit and write bench/RESULTS.md.")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--broker", defaultValue = "amqp://guest:guest@127.0.0.1:5672/%2F",
            description = "Broker URI (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--out", defaultValue = "bench/RESULTS.md", description = "Where to write the results.")
    Path out;

    @Option(names = "--smoke", description = "Tiny sizes: checks the harness works, measures nothing useful.")
    boolean smoke;

    @Option(names = "--prefix", defaultValue = "bench", description = "Queue name prefix.")
    String prefix;

    @Option(names = "--jars", defaultValue = ".",
            description = "The project root holding fetcher/target/fetcher.jar (default: ${DEFAULT-VALUE}).")
    Path root;

    static final int LARGE_EMAILS = 40;
    static final int LARGE_MIB = 12;

    /**
     * Section 5's ingester half: large e-mails at -Xmx256m, concurrency 4, default prefetch (also run alone by
     * {@code IngesterBenchMain --memory}).
     */
    static IngesterBench.Result ingesterMemoryRun(IngesterBench bench, boolean smoke, Instant receivedBase)
            throws Exception {
        int largeEmails = smoke ? 4 : LARGE_EMAILS;
        int largeBytes = (smoke ? 2 : LARGE_MIB) * 1024 * 1024;
        byte[] large = SyntheticMail.pdf(largeBytes, 13);
        String largeCycle = "bench-large-" + receivedBase.getEpochSecond();
        return bench.run("ingestlarge", largeEmails, 2, "256m", 4, 0,
                i -> SyntheticMail.withAttachment(i, largeCycle, receivedBase.plusSeconds(i), large));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    private Path jar(String module) {
        Path p = root.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(p) && Files.isRegularFile(root.resolve("..").resolve(module).resolve("target")
                .resolve(module + ".jar"))) {
            p = root.resolve("..").resolve(module).resolve("target").resolve(module + ".jar");
        }
        return p.toAbsolutePath().normalize();
    }

    /** Section 1's CPU table: broker and client CPU seconds per 1,000 messages, the yardstick of the others. */
    private static String baselineCpu(List<BrokerBaseline.Result> results) {
        StringBuilder md = new StringBuilder("\nCPU over the same seconds, per 1,000 messages: the local broker's "
                + "(every `beam.smp` process, utime + stime from /proc; other clients of a shared broker count too) and "
                + "the client's (this JVM: publisher and consumer). Later sections divide their CPU per 1,000 "
                + "e-mails by the 26 KiB row's total (\"÷ baseline\").\n\n"
                + "| message size | broker CPU s per 1,000 | client CPU s per 1,000 | together |\n|---|---|---|---|\n");
        for (BrokerBaseline.Result r : results) {
            md.append(String.format("| %d KiB | %.2f | %.2f | %.2f |%n", r.bytes() / 1024,
                    r.brokerCpuSecondsPerThousand(), r.clientCpuSecondsPerThousand(), r.cpuSecondsPerThousand()));
        }
        return md.toString();
    }

    /** The envelope sizes of the fetcher mix: a 20 KB HTML e-mail, and one with a 200 KB PDF (base64). */
    static final int SMALL = 26 * 1024;
    static final int LARGE = 290 * 1024;

    @Override
    public Integer call() throws Exception {
        FakeServers.answerWithoutDelay();
        for (String module : List.of("fetcher", "ingester")) {
            if (!Files.isRegularFile(jar(module))) {
                throw new CommandLine.ParameterException(new CommandLine(this), jar(module) + " not found: the "
                        + "bench runs the packaged jars; build them first (./mvnw -B -DskipTests package) or pass "
                        + "--jars");
            }
        }
        BrokerUri uri = BrokerUri.parse(broker);
        MachineInfo machine = MachineInfo.probe(uri);
        BrokerBaseline baseline = new BrokerBaseline(uri, prefix);
        List<BrokerBaseline.Result> results = new ArrayList<>();
        int small = smoke ? 50 : 10_000;
        int largeMessages = smoke ? 10 : 1_000;
        baseline.run(SMALL, Math.max(10, small / 10)); // warm-up
        results.add(baseline.run(SMALL, small));
        results.add(baseline.run(LARGE, largeMessages));

        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Run from the repository root with a local RabbitMQ: `bench/run` (full sizes, several minutes; "
                + "`bench/run --broker amqp://user:pass@host:5672/%2F` for another broker, `--smoke` for toy sizes). "
                + "It builds the modules if needed and rewrites this file. The machine is shared (2 cores, other "
                + "test suites running at the same time), so every number here is noisy; compare ratios.\n\n");
        md.append("Written by `bench/run` on ").append(Instant.now()).append(smoke ? " (smoke run: numbers are meaningless)" : "")
                .append(".\n\n## Machine\n\n").append(machine.markdown()).append('\n');
        md.append("## 1. Broker baseline\n\n");
        md.append("Plain amqp-client: persistent messages, publisher confirms (window ")
                .append(256).append("), one quorum queue, one consumer with manual acks (prefetch 64), "
                        + "publishing and consuming at once; first publish to last ack.\n\n");
        md.append("| message size | messages | seconds | messages/s | MiB/s |\n|---|---|---|---|---|\n");
        for (BrokerBaseline.Result r : results) {
            md.append(String.format("| %d KiB | %d | %.2f | %.0f | %.1f |%n", r.bytes() / 1024, r.messages(),
                    r.seconds(), r.messagesPerSecond(), r.mebibytesPerSecond()));
        }
        md.append(baselineCpu(results));
        double baseCpu = results.get(0).cpuSecondsPerThousand();
        FetcherBench.Result fr = new FetcherBench(broker, jar("fetcher")).run(smoke ? 40 : 10_000,
                prefix + "-fetcher", "512m");
        double baseSmall = results.get(0).messagesPerSecond();
        Targets targets = new Targets();
        md.append("\n## 2. Fetcher\n\n");
        md.append("The packaged fetcher (`java -Xmx512m -jar fetcher/target/fetcher.jar run --once`) as a separate "
                + "process against a FakeGraph on this machine: a backfill of the synthetic mailbox (a ~20 KB HTML "
                + "body each, 10 % with a 200 KiB PDF, 5 % with a disallowed .exe). Time is process start to exit "
                + "(JVM start-up, token, "
                + "listing, attachments, publish with confirms), so it understates the steady rate. Peak heap is "
                + "the highest `jvm_memory_used_bytes{area=\"heap\"}` sum polled from /metrics every ~100 ms; "
                + "peak RSS is VmHWM from /proc.\n\n");
        md.append("| e-mails | published | seconds | e-mails/s | Graph requests | requests/e-mail | peak heap MiB "
                + "| peak RSS MiB |\n|---|---|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %.2f | %.0f | %d | %.3f | %.0f | %.0f |%n", fr.emails(), fr.published(),
                fr.seconds(), fr.emailsPerSecond(), fr.graphRequests(), fr.requestsPerEmail(),
                fr.peakHeapBytes() / 1048576.0, fr.peakRssKib() / 1024.0));
        md.append("\nCPU from start to exit (the fetcher's exact, from the kernel once it was reaped; the bench JVM "
                + "is mostly the FakeGraph; the broker's over the same time):\n\n");
        md.append(new CpuTable(baseCpu, "e-mails").add("fetcher", fr.fetcherCpuSeconds(), fr.published())
                .add("FakeGraph (bench JVM)", fr.benchCpuSeconds(), fr.published())
                .add("broker", fr.brokerCpuSeconds(), fr.published()).markdown());
        targets.atLeast("2", "fetcher e-mails/s ≥ 50 % of the baseline's msg/s at 26 KiB", fr.emailsPerSecond(),
                Targets.FETCHER_SHARE_OF_BASELINE * baseSmall, "%.0f");
        targets.atMost("2", "Graph requests per e-mail", fr.requestsPerEmail(), Targets.MAX_GRAPH_REQUESTS_PER_EMAIL,
                "%.3f");

        Duration idle = Duration.ofSeconds(smoke ? 1 : 2);
        IngesterBench ingesterBench = new IngesterBench(broker, jar("ingester"), prefix, idle);
        int ingestEmails = smoke ? 40 : 10_000;
        Instant receivedBase = Instant.now().minusSeconds(86_400).truncatedTo(ChronoUnit.SECONDS);
        List<IngesterBench.Result> ingest = new ArrayList<>();
        for (int processes : new int[] {1, 2}) {
            String cycle = "bench-" + processes + "p-" + receivedBase.getEpochSecond();
            ingest.add(ingesterBench.run("ingest" + processes, ingestEmails, processes, "256m", 4, 16,
                    i -> SyntheticMail.standard(i, cycle, receivedBase.plusSeconds(i))));
        }
        md.append("\n## 3. Ingester\n\n");
        md.append("A work queue pre-filled (persistent, with confirms, through the pipeline exchange) with envelopes "
                + "of the fetcher's mix: a ~20 KB HTML body each, a 200 KiB PDF on 10 %, a disallowed .exe "
                + "recorded as skipped on 5 %. The packaged ingester (`java -Xmx256m -jar "
                + "ingester/target/ingester.jar run --exit-when-idle " + idle + "`, INGESTER_CONCURRENCY=4, "
                + "INGESTER_PREFETCH=16, amqp push protocol) drains it into a FakeOpenCti on this machine, whose "
                + "push queue the bench consumes with manual acks as OpenCTI's workers would. Seconds are from "
                + "starting the processes to the last push message arriving (JVM start-up and registration "
                + "included); \"steady\" is first to last push message. GraphQL calls are every request "
                + "FakeOpenCti answered (health, registration, works, `addExpectations` in batches, pings). "
                + "Peak heap and RSS are per process (the larger of the processes).\n\n");
        md.append("| processes | e-mails | seconds | e-mails/s | steady e-mails/s | GraphQL calls | calls/e-mail "
                + "| push messages | peak heap MiB | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (IngesterBench.Result r : ingest) {
            md.append(String.format("| %d | %d | %.2f | %.0f | %.0f | %d | %.4f | %d | %.0f | %.0f |%n",
                    r.processes(), r.ingested(), r.seconds(), r.emailsPerSecond(), r.steadyEmailsPerSecond(),
                    r.graphqlCalls(), r.callsPerEmail(), r.pushMessages(), r.peakHeapBytes() / 1048576.0,
                    r.peakRssKib() / 1024.0));
        }
        md.append("\nCPU: the ingesters' from start to exit (JVM start-up and JIT included), and in the steady state "
                + "(between 10 % and 90 % of the push messages, sampled every ~100 ms); FakeOpenCti and the push drain "
                + "(bench JVM) and the broker from the start of the ingesters to the last push message:\n\n");
        CpuTable ingestCpu = new CpuTable(baseCpu, "e-mails");
        for (IngesterBench.Result r : ingest) {
            String n = r.processes() == 1 ? "1 ingester" : r.processes() + " ingesters";
            ingestCpu.add(n + ", start to exit", r.cpuSeconds(), r.ingested())
                    .addRate(n + ", steady state", r.steadyCpuMsPerEmail())
                    .add("FakeOpenCti and drain (bench JVM), " + n, r.benchCpuSeconds(), r.ingested())
                    .add("broker, " + n, r.brokerCpuSeconds(), r.ingested());
        }
        md.append(ingestCpu.markdown());
        targets.atLeast("3", "one ingester's e-mails/s ≥ 25 % of the baseline's msg/s at 26 KiB",
                ingest.get(0).emailsPerSecond(), Targets.INGESTER_SHARE_OF_BASELINE * baseSmall, "%.0f");
        targets.atMost("3", "one ingester's CPU ms per e-mail (steady state)", ingest.get(0).steadyCpuMsPerEmail(),
                Targets.MAX_INGESTER_STEADY_CPU_MS, "%.2f");
        targets.atMost("3", "GraphQL calls per e-mail (1 process)", ingest.get(0).callsPerEmail(),
                Targets.MAX_GRAPHQL_CALLS_PER_EMAIL, "%.4f");
        targets.atMost("3", "GraphQL calls per e-mail (2 processes)", ingest.get(1).callsPerEmail(),
                Targets.MAX_GRAPHQL_CALLS_PER_EMAIL, "%.4f");

        int rate = smoke ? 10 : EndToEndBench.RATE;
        int e2eSeconds = smoke ? 2 : 60;
        EndToEndBench.Result e2e = new EndToEndBench(broker, jar("fetcher"), jar("ingester"), prefix)
                .run(rate, e2eSeconds, 2, "PT1S");
        md.append("\n## 4. End to end\n\n");
        md.append(String.format("The packaged fetcher (`run`, `-Xmx256m`, CONNECTOR_DURATION_PERIOD=PT1S, already in "
                + "delta mode) and %d packaged ingesters (`-Xmx256m`, concurrency 4, prefetch 16) while e-mails "
                + "of the same mix arrive in the FakeGraph mailbox at a steady %d/s for %d s. Latency is from the "
                + "fetcher publishing the envelope (its `x-email-intel-published-at` header) to OpenCTI accepting "
                + "the report (every push message confirmed), as each ingester logs it (`latency_ms=` on its "
                + "one-line-per-e-mail info log; also the `emailintel_envelope_latency_seconds` histogram on "
                + "/metrics). The "
                + "percentiles are exact nearest-rank over every e-mail's line, not histogram estimates, and include "
                + "the first seconds after the JVMs start (no warm-up is discarded). The poll "
                + "period delays an e-mail before it is published, so it is not part of this latency.%n%n",
                e2e.ingesters(), rate, e2eSeconds));
        md.append("| e-mails | arrival rate/s | ingested | p50 ms | p99 ms | max ms | fetcher peak heap MiB "
                + "| ingester peak heap MiB | ingester peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %.1f | %d | %d | %d | %d | %.0f | %.0f | %.0f |%n", e2e.emails(),
                e2e.ratePerSecond(), e2e.ingested(), e2e.p50Ms(), e2e.p99Ms(), e2e.maxMs(),
                e2e.fetcherPeakHeapBytes() / 1048576.0, e2e.ingesterPeakHeapBytes() / 1048576.0,
                e2e.ingesterPeakRssKib() / 1024.0));
        md.append("\nCPU from the first arrival until every e-mail was ingested (JVM start-up and shutdown left out):"
                + "\n\n");
        md.append(new CpuTable(baseCpu, "e-mails").add("fetcher", e2e.fetcherCpuSeconds(), e2e.emails())
                .add(e2e.ingesters() + " ingesters together", e2e.ingesterCpuSeconds(), e2e.emails())
                .add("broker", e2e.brokerCpuSeconds(), e2e.emails()).markdown());
        targets.atMost("4", "p99 latency at " + rate + " e-mails/s, publish → push confirmed (ms)", e2e.p99Ms(),
                Targets.MAX_E2E_P99_MS, "%.0f");

        FetcherBench.Result mb = new FetcherBench(broker, jar("fetcher")).run(smoke ? 60 : 20_000,
                prefix + "-fetcher-mem", "128m");
        md.append("\n## 5. Memory bound\n\n### Fetcher half\n\n");
        md.append("The same fetcher and mix, a backfill at `-Xmx128m`; a run that hits OutOfMemoryError or exits "
                + "non-zero fails the harness, so a row here means it finished.\n\n");
        md.append("| e-mails | published | seconds | e-mails/s | peak heap MiB | peak RSS MiB | result |\n"
                + "|---|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %.2f | %.0f | %.0f | %.0f | %s |%n", mb.emails(), mb.published(),
                mb.seconds(), mb.emailsPerSecond(), mb.peakHeapBytes() / 1048576.0, mb.peakRssKib() / 1024.0,
                "finished, no OOM"));
        targets.holds("5", "fetcher at -Xmx128m finishes without OutOfMemoryError",
                String.format("%d e-mails, peak heap %.0f MiB", mb.published(), mb.peakHeapBytes() / 1048576.0),
                true);

        int largeEmails = smoke ? 4 : LARGE_EMAILS;
        int largeBytes = (smoke ? 2 : LARGE_MIB) * 1024 * 1024;
        IngesterBench.Result mi = ingesterMemoryRun(ingesterBench, smoke, receivedBase);
        md.append("\n### Ingester half\n\n");
        md.append(String.format("%d envelopes, each with one %d MiB PDF attachment (about %.0f MiB of envelope "
                + "JSON), drained by %d packaged ingesters at `-Xmx256m` with INGESTER_CONCURRENCY=4 (twice the "
                + "default) and INGESTER_PREFETCH unset: the default is derived from the heap (max heap / 4 / 16 MiB, "
                + "3 at `-Xmx256m`), and deliveries and their processing share one memory budget of half the heap. "
                + "The processes run with "
                + "`-XX:+ExitOnOutOfMemoryError` "
                + "(and a heap dump): an OutOfMemoryError or a non-zero exit fails the harness, so a row here "
                + "means it finished.%n%n", largeEmails, largeBytes / (1024 * 1024),
                largeBytes * 4.0 / 3 / 1048576.0, mi.processes()));
        md.append("| e-mails | processes | seconds | e-mails/s | push MiB | peak heap MiB | peak RSS MiB | result |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %.2f | %.1f | %.0f | %.0f | %.0f | %s |%n", mi.ingested(), mi.processes(),
                mi.seconds(), mi.emailsPerSecond(), mi.pushBytes() / 1048576.0, mi.peakHeapBytes() / 1048576.0,
                mi.peakRssKib() / 1024.0, "finished, no OOM"));
        targets.holds("5", "ingesters at -Xmx256m with " + largeBytes / (1024 * 1024)
                        + " MiB attachments, concurrency 4, finish without OutOfMemoryError",
                String.format("%d e-mails, peak heap %.0f MiB", mi.ingested(), mi.peakHeapBytes() / 1048576.0),
                true);

        ExtractionBench.Result[] extraction = ExtractionBench.runBoth(smoke ? 200 : 5_000);
        md.append("\n## 6. Observable extraction\n\nIn process, no broker: `Extractor.extract` plus the STIX objects "
                + "with EMAIL_INTEL_MICROSOFT_EXTRACT=indicators, per e-mail, after a warm-up "
                + "(`ExtractionBench`). The bench mix finds nothing (its IPs and domains are documentation values), so "
                + "its row is the scanning cost; the dense row finds a full 20 KB of indicators.\n\n");
        md.append(ExtractionBench.markdown(extraction));
        targets.atMost("6", "extraction per 20 KB bench e-mail, median (ms)", extraction[0].p50Micros() / 1000,
                Targets.MAX_EXTRACTION_MS, "%.3f");

        IngestCpuBench.section(md, targets, smoke); // issue 20
        md.append("\n## Findings\n\nGenerated from the numbers above by `bench/run`.\n\n");
        md.append(targets.markdown());
        md.append("\n## Notes\n\nHand-written (profiling, before/after); `bench/run` carries this block over "
                + "verbatim.\n\n");
        md.append(Notes.carriedOver(out));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
        return 0;
    }
}
