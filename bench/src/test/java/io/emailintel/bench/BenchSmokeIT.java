package io.emailintel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The harness runs end to end at toy sizes (it checks the harness, not the speed): every section, the
 * findings, and the hand-written notes carried over. It runs the packaged fetcher and ingester jars, found
 * next to this module ({@code ../fetcher/target}, {@code ../ingester/target}), which the reactor packages first.
 */
@ExtendWith(RabbitBrokerExtension.class)
class BenchSmokeIT {

    @TempDir
    Path dir;

    @Test
    void smokeRunWritesEveryResultTable(TestBroker broker) throws Exception {
        Path out = dir.resolve("RESULTS.md");
        String notes = "<!-- notes:start -->\nProfiling, before: 120 e-mails/s; after: *240* | kept as written.\n"
                + "<!-- notes:end -->";
        Files.writeString(out, "# old results\n\n" + notes + "\n");
        int code = new CommandLine(new BenchMain()).execute("--smoke", "--broker", broker.uri(), "--out",
                out.toString(), "--prefix", broker.prefix());
        assertThat(code).isZero();
        String md = Files.readString(out);
        assertThat(md).contains("## Machine").contains("RabbitMQ").contains("## 1. Broker baseline")
                .contains("| 26 KiB | 50 |").contains("| 290 KiB | 10 |")
                .contains("## 2. Fetcher").contains("| 40 | 40 |")
                .contains("## 3. Ingester").contains("| 1 | 40 |").contains("| 2 | 40 |")
                .contains("## 4. End to end").contains("| 20 | ")
                .contains("## 5. Memory bound").contains("| 60 | 60 |")
                .contains("### Ingester half").contains("| 4 | 2 |")
                .contains("| 26 KiB | ").contains("broker CPU s per 1,000").contains("CPU s per 1,000 e-mails")
                .contains("| fetcher | ").contains("1 ingester, steady state").contains("2 ingesters together")
                .contains("## Findings").contains("p99 latency").contains("GraphQL calls per e-mail")
                .contains("one ingester's CPU ms per e-mail (steady state)").contains("| ≤ 0.115 |")
                .doesNotContain("# old results");
        assertThat(md).endsWith(notes + "\n");
    }
}
