package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The builder with a triage decision: author, marking, labels and report types per e-mail, ids unchanged. */
class ReportDecisionTest {

    private final ReportBuilder builder = new ReportBuilder(ReportOptions.defaults(),
            Clock.fixed(Instant.parse("2025-06-01T08:00:00Z"), ZoneOffset.UTC));

    private static JsonNode object(StixBundle bundle, String type) {
        return StreamSupport.stream(bundle.objects().spliterator(), false)
                .filter(o -> o.get("type").asText().equals(type)).findFirst().orElseThrow();
    }

    private static Envelope mail() {
        return Envelope.builder().source(EnvelopeFixtures.source("d1")).subject("FW: Incident notice 7")
                .from(new EmailAddress("Ana Lyst", "analyst@corp.example"))
                .attachment(EnvelopeAttachment.of("iocs.csv", "text/csv", false, AttachmentKind.FILE,
                        "ip\n1.2.3.4\n".getBytes(StandardCharsets.UTF_8)))
                .receivedAt(Instant.parse("2025-11-03T11:00:00Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH).build();
    }

    @Test
    void decisionShapesAuthorMarkingLabelsAndTypesButNotTheReportId() {
        ReportDecision d = new ReportDecision("Partner ISAC", "Sector ISAC", List.of("financial-services"), Tlp.RED,
                "rule \"partner\"", List.of("isac", "partner"), List.of("threat-report", "incident"),
                new EmailAddress("Partner SOC", "soc@partner-isac.example"));
        StixBundle bundle = builder.build(mail(), d);
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
        assertThat(bundle.reportId()).isEqualTo(builder.build(mail()).reportId());

        JsonNode author = object(bundle, "identity");
        assertThat(author.get("id").asText()).isEqualTo(StixIds.organizationId("Partner ISAC"));
        assertThat(author.get("description").asText()).isEqualTo("Sector ISAC");
        assertThat(author.get("sectors").toString()).isEqualTo("[\"financial-services\"]");

        JsonNode report = object(bundle, "report");
        assertThat(report.get("created_by_ref").asText()).isEqualTo(author.get("id").asText());
        assertThat(report.get("object_marking_refs").toString()).isEqualTo("[\"" + Tlp.RED.markingId() + "\"]");
        assertThat(report.at("/x_opencti_files/0/object_marking_refs/0").asText()).isEqualTo(Tlp.RED.markingId());
        assertThat(object(bundle, "marking-definition").get("id").asText()).isEqualTo(Tlp.RED.markingId());
        assertThat(report.get("labels").toString()).isEqualTo("[\"isac\",\"partner\"]");
        assertThat(report.get("report_types").toString()).isEqualTo("[\"threat-report\",\"incident\"]");
        assertThat(report.get("description").asText()).endsWith("""
                **Marking:** TLP:RED (rule "partner")  \n\
                **Original sender:** Partner SOC \\<soc@partner-isac.example\\>  \n\
                **Forwarded by:** Ana Lyst \\<analyst@corp.example\\>""");
    }

    @Test
    void theDefaultDecisionAddsNothing() {
        StixBundle bundle = builder.build(mail(), ReportDecision.defaults(ReportOptions.defaults()));
        JsonNode report = object(bundle, "report");
        assertThat(report.has("labels")).isFalse();
        assertThat(report.get("description").asText()).doesNotContain("Marking").doesNotContain("Forwarded");
        assertThat(object(bundle, "identity").has("sectors")).isFalse();
        assertThat(bundle.json()).isEqualTo(builder.build(mail()).json());
    }
}
