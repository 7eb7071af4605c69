package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.lingala.zip4j.io.outputstream.ZipOutputStream;
import net.lingala.zip4j.model.ZipParameters;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21 through the real ingester: the settings reach the report builder, an AES zip with the default
 * password "infected" is opened when INGESTER_EXPAND_ATTACHMENTS is on, and left alone by default.
 */
@ExtendWith(RabbitBrokerExtension.class)
class AttachmentExpansionIT {

    private static final byte[] PDF = "%PDF-1.7\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private static byte[] aesZip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, "infected".toCharArray())) {
            ZipParameters p = new ZipParameters();
            p.setFileNameInZip("sample/report.pdf");
            p.setEncryptFiles(true);
            p.setEncryptionMethod(EncryptionMethod.AES);
            zip.putNextEntry(p);
            zip.write(PDF);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private JsonNode reportOf(TestBroker broker, String name, String ingesterSettings) throws Exception {
        Topology topology = broker.declare(broker.prefix(name), List.of(Duration.ofSeconds(10)));
        Envelope base = IngesterIT.envelope(1, "cycle-" + name);
        List<EnvelopeAttachment> attachments = new ArrayList<>(base.attachments());
        attachments.add(EnvelopeAttachment.of("sample.zip", "application/zip", false, AttachmentKind.FILE, aesZip()));
        Envelope envelope = base.withContent(base.body(), attachments, base.skippedAttachments());
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true,
                    new AMQP.BasicProperties.Builder().messageId(envelope.envelopeId()).deliveryMode(2).build(),
                    new EnvelopeCodec().encode(envelope));
            ch.waitForConfirmsOrDie(5_000);
        }
        Path out = dir.resolve(name);
        Path config = dir.resolve(name + ".yml");
        Files.writeString(config, "pipeline:\n  rabbitmq_uri: \"" + broker.uri() + "\"\n  queue_prefix: "
                + topology.prefix() + "\n  retry_delays: PT10S\ningester:\n  output: \"dir:" + out + "\"\n"
                + ingesterSettings + "connector:\n  log_level: info\n");
        assertThat(IngesterCommand.execute("run", "--exit-when-idle", "PT1S", "--config", config.toString())).isZero();
        assertThat(broker.messageCount(topology.deadLetterQueue())).isZero();
        Path report;
        try (Stream<Path> list = Files.list(out)) {
            report = list.filter(p -> p.getFileName().toString().startsWith("report--")).findFirst().orElseThrow();
        }
        for (JsonNode o : json.readTree(report.resolve("bundle.json").toFile()).path("objects")) {
            if (o.path("type").asText().equals("report")) {
                return o;
            }
        }
        throw new AssertionError("no report in " + report);
    }

    private static List<String> fileNames(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.path("x_opencti_files").forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    @Test
    void onTheDefaultPasswordOpensTheZipAndTheReportSaysWhichSourceNotThePassword(TestBroker broker)
            throws Exception {
        JsonNode report = reportOf(broker, "expand-on", "  expand_attachments: true\n");
        assertThat(fileNames(report)).endsWith("sample.zip", "report.pdf");
        String description = report.path("description").asText();
        assertThat(description).contains("sample.zip: zip, 1 file, opened with the password from "
                + "INGESTER\\_ARCHIVE\\_PASSWORDS entry 1").doesNotContain("infected");
    }

    @Test
    void offByDefaultTheZipIsCarriedUnopened(TestBroker broker) throws Exception {
        JsonNode report = reportOf(broker, "expand-off", "");
        assertThat(fileNames(report)).endsWith("sample.zip").doesNotContain("report.pdf");
        assertThat(report.path("description").asText()).doesNotContain("Attachments opened");
    }
}
