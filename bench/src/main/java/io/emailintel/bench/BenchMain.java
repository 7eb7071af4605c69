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

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
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
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
        return 0;
    }
}
