package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.ingester.stix.StixIds;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage through both processes: the packaged fetcher reads a small mailbox of ISACs, vendors and noise (the .eml
 * source) with the README's rules file, filters the noise it can decide before publishing, and the ingester
 * shapes each report (author, TLP, labels, report types) and filters what only it can decide. Reports go to files
 * ({@code INGESTER_OUTPUT=dir:}).
 */
@ExtendWith(RabbitBrokerExtension.class)
class TriageEndToEndIT {

    private static final List<String> MAILBOX = List.of("01-fs-isac-bulletin.eml", "02-vendor-advisory.eml",
            "03-forwarded-as-attachment.eml", "04-forwarded-inline.eml", "05-newsletter.eml",
            "06-shop-promotion.eml", "07-unknown-sender-red.eml", "08-partner-newsletter.eml");
    private static final String AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
    private static final String GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    private static final String RED = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void rulesShapeReportsAndFilterNoiseAcrossFetcherAndIngester(TestBroker broker) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("fetcher/target/fetcher.jar")).as("the fetcher jar is built first").exists();
        Topology topology = broker.declare(broker.prefix("triage"), List.of(Duration.ofSeconds(10)));
        Path mailbox = Files.createDirectories(dir.resolve("mailbox"));
        for (String name : MAILBOX) {
            Files.write(mailbox.resolve(name), resource("/triage/mailbox/" + name));
        }
        Path rules = dir.resolve("rules.yml");
        Files.write(rules, resource("/triage/rules.yml"));
        Path out = dir.resolve("reports");
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "pipeline:\n  rabbitmq_uri: \"" + broker.uri() + "\"\n  queue_prefix: "
                + topology.prefix() + "\n  retry_delays: PT10S\n"
                + "fetcher:\n  source: eml-dir\n  eml_dir: \"" + mailbox + "\"\n  state_dir: \"" + dir.resolve("state")
                + "\"\n"
                + "email_intel_microsoft:\n  rules_file: \"" + rules + "\"\n  tlp_minimum: green\n"
                + "ingester:\n  output: \"dir:" + out + "\"\n  work_quiet_period: PT1S\n"
                + "connector:\n  log_level: info\n");

        String fetcher = runFetcher(root, config);
        assertThat(fetcher).contains("8 e-mail(s) read, 6 published")
                .contains("2 filtered by triage rules")
                .contains("filtered by rule \"newsletters\"")
                .contains("filtered by rule \"marketing-lists\"");

        // a Graph e-mail whose List-Unsubscribe header the listing did not show: only the ingester can filter it
        Envelope listed = Envelope.builder()
                .source(new EnvelopeSource(EnvelopeSource.KIND_GRAPH, "cti@corp.example", "Inbox", "AAMk-promo", ""))
                .subject("Spring sale").from(EmailAddress.of("promo@shop.example"))
                .header("List-Unsubscribe", "<https://shop.example/u>")
                .receivedAt(Instant.parse("2025-11-03T17:00:00Z")).fetchCycleId("graph-cycle")
                .fetchedAt(Instant.parse("2025-11-03T17:00:01Z")).build();
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true,
                    new AMQP.BasicProperties.Builder().messageId(listed.envelopeId()).deliveryMode(2).build(),
                    new EnvelopeCodec().encode(listed));
            ch.waitForConfirmsOrDie(5_000);
        }

        int code = IngesterCommand.execute("run", "--exit-when-idle", "PT1S", "--config", config.toString());
        assertThat(code).isZero();
        assertThat(broker.messageCount(topology.workQueue())).isZero();
        assertThat(broker.messageCount(topology.deadLetterQueue())).isZero();

        Map<String, JsonNode> reports = reports(out);
        assertThat(reports.keySet()).containsExactlyInAnyOrder("[TLP:AMBER] Weekly threat bulletin 45",
                "Advisory: CVE-2025-1234 exploited", "FW: Incident notice 7", "Fwd: Vendor note on ransomware group",
                "Compromised credentials at your bank", "Partner newsletter, November");

        JsonNode isac = reports.get("[TLP:AMBER] Weekly threat bulletin 45");
        assertAuthor(isac, "FS-ISAC");
        assertThat(isac.at("/report/object_marking_refs/0").asText()).as("raised by the subject's marker")
                .isEqualTo(AMBER);
        assertThat(isac.at("/report/description").asText()).contains("**Marking:** TLP:AMBER (marker \"TLP:AMBER\" "
                + "in the subject, stricter than rule \"fs-isac\")");
        assertThat(isac.at("/report/labels").toString()).isEqualTo("[\"isac\"]");
        assertThat(isac.at("/author/sectors").toString()).isEqualTo("[\"financial-services\"]");

        JsonNode vendor = reports.get("Advisory: CVE-2025-1234 exploited");
        assertAuthor(vendor, "Vendor Intel");
        assertThat(vendor.at("/report/object_marking_refs/0").asText()).as("the minimum raises the rule's clear")
                .isEqualTo(GREEN);
        assertThat(vendor.at("/report/report_types").toString()).isEqualTo("[\"threat-report\",\"vulnerability\"]");
        assertThat(vendor.at("/report/description").asText()).contains("raised from TLP:CLEAR (rule \"vendor\")");

        JsonNode attached = reports.get("FW: Incident notice 7");
        assertAuthor(attached, "Partner ISAC");
        assertThat(attached.at("/report/object_marking_refs/0").asText()).isEqualTo(AMBER);
        assertThat(attached.at("/report/description").asText())
                .contains("**Original sender:** Partner SOC \\<soc@partner-isac.example\\>")
                .contains("**Forwarded by:** Ana Lyst \\<analyst@corp.example\\>");

        JsonNode inline = reports.get("Fwd: Vendor note on ransomware group");
        assertAuthor(inline, "Vendor Intel");
        assertThat(inline.at("/report/object_marking_refs/0").asText()).as("the forwarded text's marker counts")
                .isEqualTo(AMBER);

        JsonNode unknown = reports.get("Compromised credentials at your bank");
        assertAuthor(unknown, "Email Intel Microsoft");
        assertThat(unknown.at("/report/object_marking_refs/0").asText()).isEqualTo(RED);
        assertThat(unknown.at("/report/labels").isMissingNode()).isTrue();
        assertThat(unknown.at("/report/x_opencti_files").size()).isZero();

        assertAuthor(reports.get("Partner newsletter, November"), "Partner ISAC"); // skip: false protects it

        for (JsonNode r : reports.values()) {
            // report ids never change with rules: name and published only
            assertThat(r.at("/report/id").asText()).isEqualTo(StixIds.reportId(r.at("/report/name").asText(),
                    Instant.parse(r.at("/report/published").asText())));
        }
    }

    private static void assertAuthor(JsonNode r, String name) {
        assertThat(r.at("/author/name").asText()).isEqualTo(name);
        assertThat(r.at("/author/id").asText()).isEqualTo(StixIds.organizationId(name));
        assertThat(r.at("/report/created_by_ref").asText()).isEqualTo(StixIds.organizationId(name));
    }

    /** Report name → {report, author} of every bundle written. */
    private Map<String, JsonNode> reports(Path out) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        List<Path> dirs;
        try (Stream<Path> list = Files.list(out)) {
            dirs = list.filter(p -> p.getFileName().toString().startsWith("report--")).toList();
        }
        for (Path d : dirs) {
            JsonNode bundle = json.readTree(d.resolve("bundle.json").toFile());
            var entry = json.createObjectNode();
            for (JsonNode o : bundle.path("objects")) {
                if (o.path("type").asText().equals("report")) {
                    entry.set("report", o);
                } else if (o.path("type").asText().equals("identity")) {
                    entry.set("author", o);
                }
            }
            byName.put(entry.at("/report/name").asText(), entry);
        }
        return byName;
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = TriageEndToEndIT.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private String runFetcher(Path root, Path config) throws Exception {
        Path log = dir.resolve("fetcher.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", root.resolve("fetcher/target/fetcher.jar").toString(), "run", "--once", "--config",
                config.toString()).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("OPS_PORT");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the fetcher finishes").isTrue();
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("fetcher exit code; output:%n%s", text).isZero();
            return text;
        } finally {
            p.destroyForcibly();
        }
    }
}
