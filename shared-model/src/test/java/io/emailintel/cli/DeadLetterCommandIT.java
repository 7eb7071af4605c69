package io.emailintel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.ConfigSchema;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(RabbitBrokerExtension.class)
class DeadLetterCommandIT {

    @CommandLine.Command(name = "ingester")
    static final class Root implements Runnable {
        @Override
        public void run() {
        }
    }

    @TempDir
    Path dir;

    private Path config;
    private Topology topology;
    private TestBroker broker;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void deadLetterThree(TestBroker broker) throws Exception {
        this.broker = broker;
        String prefix = broker.prefix("cli" + System.nanoTime() % 100000);
        topology = broker.declare(prefix, List.of(Duration.ofSeconds(10)));
        config = dir.resolve("config.yml");
        Files.writeString(config, "pipeline:\n  rabbitmq_uri: \"" + broker.uri() + "\"\n  queue_prefix: " + prefix
                + "\n  retry_delays: PT10S\n");
        EnvelopeCodec codec = new EnvelopeCodec();
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                var envelope = EnvelopeFixtures.advisory("cli-" + i);
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(envelope.envelopeId())
                        .deliveryMode(2).headers(Map.of(Headers.FAILURE_REASON, i == 0 ? "opencti-rejected" : "other",
                                Headers.ATTEMPTS, 5)).build();
                ch.basicPublish(topology.exchange(), Topology.ROUTING_DEAD, true, props, codec.encode(envelope));
            }
            ch.waitForConfirmsOrDie(5_000);
        }
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 3);
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Root());
        cli.addSubcommand("dlq", new DeadLetterCommand(new ConfigSchema("ingester", CommonSettings.ALL, List.of()),
                Clock.systemUTC()));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return Cli.execute(cli, args);
    }

    @Test
    void listShowsATableAndJson() {
        assertThat(run("dlq", "list", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("ENVELOPE ID").contains("opencti-rejected").contains("psirt@vendor.example")
                .contains("3 shown");
        out.getBuffer().setLength(0);
        assertThat(run("dlq", "list", "--json", "--reason", "other", "--config", config.toString())).isZero();
        assertThat(out.toString()).startsWith("[").contains("\"reason\" : \"other\"").doesNotContain("opencti-rejected");
    }

    @Test
    void replayNeedsASelectorAndReportsCounts() {
        assertThat(run("dlq", "replay", "--config", config.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(run("dlq", "replay", "--reason", "other", "--dry-run", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("would replay 2");
        assertThat(broker.messageCount(topology.workQueue())).isZero();
        assertThat(run("dlq", "replay", "--reason", "other", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("replayed 2");
        await().until(() -> broker.messageCount(topology.workQueue()) == 2);
    }

    @Test
    void purgeAsksForYes() {
        assertThat(run("dlq", "purge", "--all", "--config", config.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--yes");
        assertThat(run("dlq", "purge", "--all", "--yes", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("purged 3");
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 0);
    }

    @Test
    void showPrintsHeadersOfOneAndFailsForAnUnknownId() {
        String id = EnvelopeFixtures.advisory("cli-0").envelopeId();
        assertThat(run("dlq", "show", id, "--config", config.toString())).isZero();
        assertThat(out.toString()).contains(Headers.FAILURE_REASON).contains("opencti-rejected");
        assertThat(run("dlq", "show", "nope", "--config", config.toString())).isEqualTo(ExitCodes.FAILURE);
    }

    /**
     * A malformed-mail dead letter is the raw e-mail (what the fetcher's .eml path dead-letters): on the work
     * queue it would fail again as invalid-json and lose its first reason. Replay refuses it, names it and says
     * why, and leaves it where it was; the envelopes beside it are replayed.
     */
    @Test
    void replayRefusesARawEmailDeadLetterAndLeavesItInTheDeadLetterQueue() throws Exception {
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("broken.eml")
                    .contentType("message/rfc822").deliveryMode(2)
                    .headers(Map.of(Headers.FAILURE_REASON, "malformed-mail", Headers.STAGE, "fetch",
                            Headers.EXCEPTION_MESSAGE, "no header block", Headers.ATTEMPTS, 1)).build();
            ch.basicPublish(topology.exchange(), Topology.ROUTING_DEAD, true, props,
                    "not really an e-mail\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            ch.waitForConfirmsOrDie(5_000);
        }
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 4);

        assertThat(run("dlq", "replay", "--all", "--config", config.toString())).isEqualTo(ExitCodes.FAILURE);

        assertThat(err.toString()).contains("broken.eml").contains("malformed-mail").contains("no header block")
                .contains("stays in the dead-letter queue");
        assertThat(out.toString()).contains("replayed 3").contains("refused 1");
        await().until(() -> broker.messageCount(topology.workQueue()) == 3);
        await().until(() -> broker.messageCount(topology.deadLetterQueue()) == 1);
        out.getBuffer().setLength(0);
        assertThat(run("dlq", "list", "--reason", "malformed-mail", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("broken.eml").contains("1 shown");
    }
}
