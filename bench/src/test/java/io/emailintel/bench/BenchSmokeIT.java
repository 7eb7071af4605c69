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

/** The harness runs end to end at toy sizes (it checks the harness, not the speed). */
@ExtendWith(RabbitBrokerExtension.class)
class BenchSmokeIT {

    @TempDir
    Path dir;

    @Test
    void smokeRunWritesEveryResultTable(TestBroker broker) throws Exception {
        Path out = dir.resolve("RESULTS.md");
        int code = new CommandLine(new BenchMain()).execute("--smoke", "--broker", broker.uri(), "--out",
                out.toString(), "--prefix", broker.prefix());
        assertThat(code).isZero();
        String md = Files.readString(out);
        assertThat(md).contains("## Machine").contains("RabbitMQ").contains("## 1. Broker baseline")
                .contains("| 26 KiB | 50 |").contains("| 290 KiB | 10 |")
                .contains("## 2. Fetcher").contains("| 40 | 40 |")
                .contains("## 5. Memory bound").contains("| 60 | 60 |");
    }
}
