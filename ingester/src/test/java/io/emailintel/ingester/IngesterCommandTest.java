package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IngesterCommandTest {

    private static String stdout(Runnable r) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsRunConfigAndDeadLetterCommands() {
        String out = stdout(() -> assertThat(IngesterCommand.execute("--help")).isEqualTo(ExitCodes.OK));
        assertThat(out).contains("run").contains("config").contains("dlq");
    }

    @Test
    void deadLetterToolsAreReachableFromTheIngesterJar() {
        String out = stdout(() -> assertThat(IngesterCommand.execute("dlq", "--help")).isEqualTo(ExitCodes.OK));
        assertThat(out).contains("list").contains("show").contains("replay").contains("purge");
    }
}
