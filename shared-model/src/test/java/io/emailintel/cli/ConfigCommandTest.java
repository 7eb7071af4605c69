package io.emailintel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.config.ConfigSchema;
import io.emailintel.config.Setting;
import io.emailintel.config.ValueTypes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ConfigCommandTest {

    static final Setting<String> TOKEN = Setting.builder("opencti.token", ValueTypes.STRING).required().secret()
            .description("token").build();
    static final Setting<Integer> PREFETCH = Setting.builder("ingester.prefetch", ValueTypes.POSITIVE_INT)
            .defaultValue("8").description("prefetch").build();
    static final ConfigSchema SCHEMA = new ConfigSchema("test", List.of(TOKEN, PREFETCH), List.of());

    @Command(name = "test")
    static final class Root implements Runnable {
        @Override
        public void run() {
        }
    }

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Root());
        cli.addSubcommand("config", new ConfigCommand(SCHEMA));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return Cli.execute(cli, args);
    }

    @Test
    void showPrintsEffectiveValuesWithSecretsMasked() throws Exception {
        Path yml = dir.resolve("c.yml");
        Files.writeString(yml, "opencti:\n  token: tok-123456\n");
        assertThat(run("config", "show", "--config", yml.toString())).isZero();
        assertThat(out.toString()).contains("opencti.token").contains("****").doesNotContain("tok-123456")
                .contains("ingester.prefetch").contains("8").contains("default");
    }

    @Test
    void invalidConfigurationExitsWithCodeTwoAndListsEveryProblem() throws Exception {
        Path yml = dir.resolve("c.yml");
        Files.writeString(yml, "ingester:\n  prefetch: lots\n");
        assertThat(run("config", "show", "--config", yml.toString())).isEqualTo(ExitCodes.CONFIG);
        assertThat(err.toString()).contains("2 problems").contains("OPENCTI_TOKEN").contains("INGESTER_PREFETCH")
                .contains("got 'lots'");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("config", "show", "--bogus")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--bogus");
    }

    @Test
    void sampleAndTableRenderEverySetting() {
        assertThat(run("config", "sample", "--format", "yaml")).isZero();
        assertThat(out.toString()).contains("opencti:").contains("  token: ").contains("# prefetch: 8");
        assertThat(run("config", "table")).isZero();
        assertThat(out.toString()).contains("| `INGESTER_PREFETCH` | `ingester.prefetch` |");
    }
}
