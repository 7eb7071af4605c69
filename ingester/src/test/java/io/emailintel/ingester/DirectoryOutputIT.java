package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** INGESTER_OUTPUT=dir:PATH: reports as files, no OpenCTI; run --exit-when-idle ends a batch. */
@ExtendWith(RabbitBrokerExtension.class)
class DirectoryOutputIT {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void eachReportBecomesABundleAndItsPushMessagesAndABatchRunExitsWhenIdle(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("dir"), List.of(Duration.ofSeconds(10)));
        Envelope first = IngesterIT.envelope(1, "cycle-dir");
        Envelope second = IngesterIT.envelope(2, "cycle-dir");
        EnvelopeCodec codec = new EnvelopeCodec();
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            for (Envelope e : List.of(first, second, first)) { // the first one twice
                ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true,
                        new AMQP.BasicProperties.Builder().messageId(e.envelopeId()).deliveryMode(2).build(),
                        codec.encode(e));
            }
            ch.waitForConfirmsOrDie(5_000);
        }
        Path out = dir.resolve("reports");
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "pipeline:\n  rabbitmq_uri: \"" + broker.uri() + "\"\n  queue_prefix: "
                + topology.prefix() + "\n  retry_delays: PT10S\ningester:\n  output: \"dir:" + out + "\"\nconnector:\n  log_level: info\n");

        int code = IngesterCommand.execute("run", "--exit-when-idle", "PT1S", "--config", config.toString());

        assertThat(code).isZero();
        assertThat(broker.messageCount(topology.workQueue())).isZero();
        assertThat(broker.messageCount(topology.deadLetterQueue())).isZero();
        List<Path> reports;
        try (Stream<Path> list = Files.list(out)) {
            reports = list.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        assertThat(reports).hasSize(2).allSatisfy(p -> assertThat(p.getFileName().toString()).startsWith("report--"));
        for (Path report : reports) {
            JsonNode bundle = json.readTree(report.resolve("bundle.json").toFile());
            assertThat(bundle.path("type").asText()).isEqualTo("bundle");
            List<Path> pushes;
            try (Stream<Path> list = Files.list(report.resolve("push"))) {
                pushes = list.sorted().toList();
            }
            assertThat(pushes).hasSize(bundle.path("objects").size());
            JsonNode message = json.readTree(pushes.get(0).toFile());
            assertThat(message.path("bundle_type").asText()).isEqualTo("QUEUE_BUNDLE");
            assertThat(message.path("applicant_id").asText()).isEqualTo("dry-run");
            assertThat(message.get("work_id").isNull()).as("no push names a work").isTrue();
            JsonNode content = json.readTree(new String(Base64.getDecoder().decode(message.path("content").asText()),
                    StandardCharsets.UTF_8));
            assertThat(content.path("objects")).hasSize(1);
            boolean hasReport = false;
            for (JsonNode o : bundle.path("objects")) {
                if (o.path("type").asText().equals("report")) {
                    hasReport = true;
                    assertThat(o.path("id").asText()).isEqualTo(report.getFileName().toString());
                    assertThat(o.path("x_opencti_content").asText()).doesNotContain("t.example/p.gif");
                }
            }
            assertThat(hasReport).isTrue();
        }
    }
}
