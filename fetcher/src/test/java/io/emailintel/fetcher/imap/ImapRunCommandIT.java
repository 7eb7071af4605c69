package io.emailintel.fetcher.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code fetcher run --once} with FETCHER_SOURCE=imap as its own process, configured as an operator would (the
 * Dovecot test CA through TLS_CA_FILE): the exit codes the README documents.
 */
@ExtendWith(RabbitBrokerExtension.class)
class ImapRunCommandIT {

    private static Path dir;
    private static Dovecot dovecot;

    @BeforeAll
    static void startDovecot() throws Exception {
        dir = Files.createTempDirectory("imap-run-it-");
        dovecot = Dovecot.start(dir.resolve("dovecot"));
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private record Run(int exit, String output) {
    }

    private Run run(TestBroker broker, String prefix, String password, String... command) throws Exception {
        Path yml = dir.resolve(prefix + ".yml");
        Files.writeString(yml, String.join("\n",
                "connector:",
                "  log_level: debug", // the most an operator can turn on: still no secret
                "pipeline:",
                "  rabbitmq_uri: \"" + broker.uri() + "\"",
                "  queue_prefix: " + prefix,
                "tls:",
                "  ca_file: " + dovecot.caPem(),
                "fetcher:",
                "  source: imap",
                "  state_dir: " + dir.resolve("state-" + prefix),
                "imap:",
                "  host: 127.0.0.1",
                "  port: " + dovecot.imapsPort(),
                "  user: " + Dovecot.USER,
                "  password: " + password,
                "  folder: CTI/Vendors",
                ""));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.emailintel.fetcher.FetcherCommand"));
        cmd.addAll(List.of(command));
        cmd.addAll(List.of("--config", yml.toString()));
        Path out = dir.resolve(prefix + "-" + command[0] + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    @Test
    void runOnceReadsTheFolderThroughTheConfiguredCaAndExitsZero(TestBroker broker) throws Exception {
        String prefix = broker.prefix("imap-run");
        broker.deleteAfterwards(new Topology(prefix, List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(10))));
        for (int i = 0; i < 5; i++) {
            dovecot.deliver("CTI/Vendors", Dovecot.message("r" + i + "@vendor.example", "run " + i), Instant.now());
        }
        Run first = run(broker, prefix, Dovecot.PASSWORD, "run", "--once");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("5 published").doesNotContain(Dovecot.PASSWORD);
        assertThat(broker.messageCount(prefix + ".work")).isEqualTo(5);

        Run state = run(broker, prefix, Dovecot.PASSWORD, "state", "show");
        assertThat(state.exit()).isZero();
        assertThat(state.output()).contains("imap--cti@127.0.0.1--cti_vendors.json").contains("\"lastUid\" : 5");
        Run again = run(broker, prefix, Dovecot.PASSWORD, "run", "--once");
        assertThat(again.exit()).isZero();
        assertThat(broker.messageCount(prefix + ".work")).isEqualTo(5);
    }

    @Test
    void aWrongPasswordEndsRunOnceWithExitOneAndTheServersAnswer(TestBroker broker) throws Exception {
        String prefix = broker.prefix("imap-badpw");
        broker.deleteAfterwards(new Topology(prefix, List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(10))));
        Run run = run(broker, prefix, "wrong-password-77", "run", "--once");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("refused the login of cti (password)").contains("AUTHENTICATIONFAILED")
                .doesNotContain("wrong-password-77");
    }
}
