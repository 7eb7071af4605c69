package io.emailintel.bench;

import io.emailintel.topology.BrokerUri;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

    /** The envelope sizes of the fetcher mix: a 20 KB HTML e-mail, and one with a 200 KB PDF (base64). */
    static final int SMALL = 26 * 1024;
    static final int LARGE = 290 * 1024;

    @Override
    public Integer call() throws Exception {
        BrokerUri uri = BrokerUri.parse(broker);
        MachineInfo machine = MachineInfo.probe(uri);
        BrokerBaseline baseline = new BrokerBaseline(uri, prefix);
        List<BrokerBaseline.Result> results = new ArrayList<>();
        int small = smoke ? 50 : 10_000;
        int large = smoke ? 10 : 1_000;
        baseline.run(SMALL, Math.max(10, small / 10)); // warm-up
        results.add(baseline.run(SMALL, small));
        results.add(baseline.run(LARGE, large));

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
        FetcherBench.Result fr = new FetcherBench(broker, jar("fetcher")).run(smoke ? 40 : 10_000,
                prefix + "-fetcher", "512m");
        double baseSmall = results.get(0).messagesPerSecond();
        md.append("\n## 2. Fetcher\n\n");
        md.append("The packaged fetcher (`java -Xmx512m -jar fetcher/target/fetcher.jar run --once`) as a separate "
                + "process against a FakeGraph on this machine: a backfill of the synthetic mailbox (10 % with a "
                + "200 KiB PDF, 5 % with a disallowed .exe). Time is process start to exit (JVM start-up, token, "
                + "listing, attachments, publish with confirms), so it understates the steady rate. Peak heap is "
                + "the highest `jvm_memory_used_bytes{area=\"heap\"}` sum polled from /metrics every ~100 ms; "
                + "peak RSS is VmHWM from /proc. Limitation: FakeGraph serves a tiny HTML body, not 20 KB "
                + "(changing it is outside bench/), so envelopes are smaller than the 26 KiB baseline size, "
                + "which flatters the ratio.\n\n");
        md.append("| e-mails | published | seconds | e-mails/s | Graph requests | requests/e-mail | peak heap MiB "
                + "| peak RSS MiB |\n|---|---|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %.2f | %.0f | %d | %.3f | %.0f | %.0f |%n", fr.emails(), fr.published(),
                fr.seconds(), fr.emailsPerSecond(), fr.graphRequests(), fr.requestsPerEmail(),
                fr.peakHeapBytes() / 1048576.0, fr.peakRssKib() / 1024.0));
        md.append(String.format("%nTargets: e-mails/s ≥ 50 %% of the baseline at 26 KiB (%.0f/s): %.0f %% → **%s**; "
                        + "Graph requests per e-mail ≤ 0.25: %.3f → **%s**.%n",
                baseSmall, 100 * fr.emailsPerSecond() / baseSmall,
                fr.emailsPerSecond() >= 0.5 * baseSmall ? "met" : "missed", fr.requestsPerEmail(),
                fr.requestsPerEmail() <= 0.25 ? "met" : "missed"));
        FetcherBench.Result mb = new FetcherBench(broker, jar("fetcher")).run(smoke ? 60 : 20_000,
                prefix + "-fetcher-mem", "128m");
        md.append("\n## 5. Memory bound (fetcher half)\n\n");
        md.append("The same fetcher and mix, a backfill at `-Xmx128m`; a run that hits OutOfMemoryError or exits "
                + "non-zero fails the harness, so a row here means it finished.\n\n");
        md.append("| e-mails | published | seconds | e-mails/s | peak heap MiB | peak RSS MiB | result |\n"
                + "|---|---|---|---|---|---|---|\n");
        md.append(String.format("| %d | %d | %.2f | %.0f | %.0f | %.0f | %s |%n", mb.emails(), mb.published(),
                mb.seconds(), mb.emailsPerSecond(), mb.peakHeapBytes() / 1048576.0, mb.peakRssKib() / 1024.0,
                "finished, no OOM"));
        md.append("\nThe ingester half (`-Xmx256m`, 12 MiB attachments, concurrency 4) is not measured yet.\n");
        md.append("\n## 3. Ingester, 4. End to end\n\nNot measured yet (cut for time).\n");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
        return 0;
    }
}
