package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T08:00:00Z"), ZoneOffset.UTC);
    private final ReportBuilder builder = new ReportBuilder(ReportOptions.defaults(), CLOCK);

    private static JsonNode object(StixBundle bundle, String type) {
        return StreamSupport.stream(bundle.objects().spliterator(), false)
                .filter(o -> o.get("type").asText().equals(type)).findFirst().orElseThrow();
    }

    private static Envelope.Builder base() {
        return Envelope.builder().source(EnvelopeFixtures.source("m1"))
                .receivedAt(Instant.parse("2025-05-09T10:11:12Z"))
                .fetchCycleId("c1").fetchedAt(Instant.parse("2025-05-09T10:15:00Z"));
    }

    @Test
    void advisoryBecomesAValidBundleOfAuthorMarkingAndReport() {
        StixBundle bundle = builder.build(EnvelopeFixtures.advisory("m1"));
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
        assertThat(bundle.objects()).extracting(o -> o.get("type").asText())
                .containsExactly("identity", "marking-definition", "report");
        JsonNode report = object(bundle, "report");
        assertThat(report.get("id").asText()).isEqualTo(bundle.reportId());
        assertThat(report.get("name").asText()).isEqualTo("Vendor advisory: CVE-2025-0001 exploited in the wild");
        assertThat(report.get("published").asText()).isEqualTo("2025-05-09T10:11:12Z");
        assertThat(report.get("report_types").toString()).isEqualTo("[\"threat-report\"]");
        assertThat(report.get("created_by_ref").asText()).isEqualTo("identity--f6cec5a0-1d11-505a-a68e-2577e51c124c");
        assertThat(report.get("object_marking_refs").toString())
                .isEqualTo("[\"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37\"]");
        assertThat(report.get("x_opencti_content").asText()).isEqualTo("<p>See the attached <b>PDF</b>.</p>");
    }

    @Test
    void reportIdIsPyctisIdOfSubjectAndReceivedTime() {
        StixBundle bundle = builder.build(base().subject("Test Report").build());
        // computed with Python uuid5 over {"name":"test report","published":"2025-05-09T10:11:12+00:00"}
        assertThat(bundle.reportId()).isEqualTo("report--c3daa724-b615-559e-a3eb-19e18f2fd941");
    }

    @Test
    void blankSubjectNamesTheSender() {
        Envelope e = base().subject("   ").from(new EmailAddress("Eve", "eve@evil.example")).build();
        assertThat(object(builder.build(e), "report").get("name").asText()).isEqualTo("<no subject> from eve@evil.example");
    }

    @Test
    void blankSubjectWithoutFromUsesTheSender() {
        Envelope e = base().sender(EmailAddress.of("bot@vendor.example")).build();
        assertThat(object(builder.build(e), "report").get("name").asText()).isEqualTo("<no subject> from bot@vendor.example");
    }

    @Test
    void blankSubjectWithoutAnySenderStillHasAName() {
        StixBundle bundle = builder.build(base().build());
        assertThat(object(bundle, "report").get("name").asText()).isEqualTo("<no subject> from an unknown sender");
        assertThat(object(bundle, "report").has("x_opencti_content")).as("an empty body adds no content").isFalse();
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
    }

    @Test
    void filesCarryBase64MimeTypeMarkingAndTriggerFlag() {
        StixBundle bundle = builder.build(EnvelopeFixtures.advisory("m1"));
        JsonNode file = object(bundle, "report").get("x_opencti_files").get(0);
        assertThat(file.get("name").asText()).isEqualTo("advisory.pdf");
        assertThat(Base64.getDecoder().decode(file.get("data").asText()))
                .isEqualTo("%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(file.get("mime_type").asText()).isEqualTo("application/pdf");
        assertThat(file.get("object_marking_refs").get(0).asText()).isEqualTo(Tlp.AMBER_STRICT.markingId());
        assertThat(file.get("no_trigger_import").asBoolean()).isFalse();
    }

    @Test
    void optionsChooseTlpReportTypesAuthorAndTriggerFlag() {
        ReportBuilder custom = new ReportBuilder(new ReportOptions(Tlp.GREEN, List.of("internal-report", "x"),
                "ACME CERT", true, false), CLOCK);
        StixBundle bundle = custom.build(EnvelopeFixtures.advisory("m1"));
        JsonNode report = object(bundle, "report");
        assertThat(report.get("object_marking_refs").get(0).asText()).isEqualTo(Tlp.GREEN.markingId());
        assertThat(report.get("report_types").toString()).isEqualTo("[\"internal-report\",\"x\"]");
        assertThat(object(bundle, "identity").get("name").asText()).isEqualTo("ACME CERT");
        assertThat(report.get("created_by_ref").asText()).isEqualTo(StixIds.organizationId("ACME CERT"));
        assertThat(report.get("x_opencti_files").get(0).get("no_trigger_import").asBoolean()).isTrue();
        assertThat(object(bundle, "marking-definition").get("id").asText()).isEqualTo(Tlp.GREEN.markingId());
    }

    @Test
    void sameNamedAttachmentsGetDistinctNames() {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        Envelope e = base().subject("s")
                .attachment(EnvelopeAttachment.of("IOC.csv", "text/csv", false, AttachmentKind.FILE, a))
                .attachment(EnvelopeAttachment.of("ioc.csv", "text/csv", false, AttachmentKind.FILE, a))
                .attachment(EnvelopeAttachment.of("../x/ioc.csv", "text/csv", false, AttachmentKind.FILE, a))
                .build();
        JsonNode files = object(builder.build(e), "report").get("x_opencti_files");
        assertThat(files).extracting(f -> f.get("name").asText()).containsExactly("IOC.csv", "ioc (2).csv", "_x_ioc.csv");
    }

    @Test
    void theMessageIdIsInTheMarkedDescriptionAndNoExternalReferenceByDefault() {
        JsonNode report = object(builder.build(EnvelopeFixtures.advisory("m1")), "report");
        assertThat(report.has("external_references")).as("external references carry no marking in OpenCTI").isFalse();
        assertThat(report.get("description").asText()).contains("**Message-ID:** \\<m1@mail.example.org\\>");
    }

    @Test
    void aReportContainsNoObjectsNotEvenItsAuthor() {
        StixBundle bundle = builder.build(EnvelopeFixtures.advisory("m1"));
        assertThat(object(bundle, "report").has("object_refs")).isFalse();
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
    }

    @Test
    void reportIdsDoNotDependOnWhereTheMessageIdGoes() {
        ReportBuilder withReference = new ReportBuilder(new ReportOptions(Tlp.AMBER_STRICT, List.of("threat-report"),
                "Email Intel Microsoft", false, true), CLOCK);
        Envelope e = base().subject("test report").receivedAt(Instant.parse("2025-05-09T00:00:00Z")).build();
        assertThat(withReference.build(e).reportId()).isEqualTo(builder.build(e).reportId())
                .isEqualTo("report--b0caa55e-4863-586e-a34a-8fab9778d85d");
    }

    @Test
    void subjectsOpenCtiRefusesFallBackToTheSender() {
        for (String refused : new String[] {"?", "1", "\u00A0\u00A0", "\u3000", "\uD83C\uDFA3", "\uFEFF\u00A0"}) {
            Envelope e = base().subject(refused).from(new EmailAddress("Eve", "eve@evil.example")).build();
            StixBundle bundle = builder.build(e);
            assertThat(object(bundle, "report").get("name").asText()).as("subject %s", refused)
                    .isEqualTo("<no subject> from eve@evil.example");
            assertThat(BundleValidator.problems(bundle.json())).isEmpty();
        }
    }

    @Test
    void subjectsThePythonConnectorCouldImportKeepItsNameAndId() {
        // the Python connector names the report with the subject as is; pycti's id is over lower(strip(name))
        for (String subject : new String[] {"ab", "??", "\uD83C\uDFA3\uD83C\uDFA3", "  Hello  ", "\u00A0ab"}) {
            Envelope e = base().subject(subject).build();
            StixBundle bundle = builder.build(e);
            assertThat(bundle.reportId()).as("subject %s", subject).isEqualTo(StixIds.reportId(subject, e.receivedAt()));
            assertThat(BundleValidator.problems(bundle.json())).isEmpty();
        }
        Envelope spaced = base().subject(" a").build();
        assertThat(object(builder.build(spaced), "report").get("name").asText())
                .as("too short once stripped, yet accepted as the Python connector sent it").isEqualTo(" a");
        assertThat(builder.build(spaced).reportId()).isEqualTo(StixIds.reportId("a", spaced.receivedAt()));
    }

    @Test
    void externalReferenceCarriesTheInternetMessageIdWhenAskedFor() {
        ReportBuilder withReference = new ReportBuilder(new ReportOptions(Tlp.AMBER_STRICT, List.of("threat-report"),
                "Email Intel Microsoft", false, true), CLOCK);
        JsonNode ref = object(withReference.build(EnvelopeFixtures.advisory("m1")), "report")
                .get("external_references").get(0);
        assertThat(ref.get("source_name").asText()).isEqualTo("email");
        assertThat(ref.get("external_id").asText()).isEqualTo("<m1@mail.example.org>");
    }

    @Test
    void descriptionSummarisesAndListsSkippedAttachmentsWithTheReason() {
        Envelope e = base().subject("Alert").from(new EmailAddress("Vendor", "psirt@vendor.example"))
                .skipped(new SkippedAttachment("big.zip", "application/zip", 99_000_000, SkipReason.TOO_LARGE, "limit 10 MB"))
                .skipped(new SkippedAttachment("link", "", -1, SkipReason.REFERENCE_ATTACHMENT, ""))
                .build();
        String description = object(builder.build(e), "report").get("description").asText();
        assertThat(description).contains("**From:** Vendor \\<psirt@vendor.example\\>")
                .contains("**Received:** 2025-05-09T10:11:12Z").contains("**Subject:** Alert")
                .contains("**Attachments:** 0")
                .contains("- big.zip (application/zip, 99000000 bytes): too large — limit 10 MB")
                .contains("- link: a link to a file stored elsewhere");
    }

    @Test
    void htmlBodyIsSanitisedAndTextBodyEscaped() {
        JsonNode html = object(builder.build(base().body(new EnvelopeBody("html", "<p>x</p><script>bad()</script>")).build()), "report");
        assertThat(html.get("x_opencti_content").asText()).isEqualTo("<p>x</p>");
        JsonNode text = object(builder.build(base().body(new EnvelopeBody("text", "1 < 2\nok")).build()), "report");
        assertThat(text.get("x_opencti_content").asText()).isEqualTo("<p>1 &lt; 2<br>\nok</p>");
    }

    @Test
    void theSameEnvelopeGivesTheSameBundleAtTheSameTime() {
        assertThat(builder.build(EnvelopeFixtures.advisory("m1")).toJson())
                .isEqualTo(builder.build(EnvelopeFixtures.advisory("m1")).toJson());
    }

    @Test
    void modifiedIsNeverBeforeCreated() {
        ReportBuilder early = new ReportBuilder(ReportOptions.defaults(), Clock.fixed(Instant.parse("2000-01-01T00:00:00Z"), ZoneOffset.UTC));
        JsonNode report = object(early.build(EnvelopeFixtures.advisory("m1")), "report");
        assertThat(report.get("modified").asText()).isEqualTo(report.get("created").asText());
    }

    @Test
    void nonBmpSubjectSurvivesSerialisation() {
        StixBundle bundle = builder.build(base().subject("Phish 🎣").build());
        assertThat(bundle.toJson()).contains("Phish 🎣");
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
    }

    @Test
    void anExecutableDeclaredAsPdfIsFlaggedRenamedAndNeverImported() {
        byte[] exe = {'M', 'Z', (byte) 0x90, 0, 3, 0};
        Envelope e = base().subject("invoice")
                .attachment(EnvelopeAttachment.of("Invoice.pdf", "application/pdf", false, AttachmentKind.FILE, exe))
                .attachment(EnvelopeAttachment.of("invoice.pdf.BIN", "text/plain", false, AttachmentKind.FILE,
                        "x".getBytes(StandardCharsets.UTF_8)))
                .build();
        JsonNode report = object(builder.build(e), "report"); // defaults: import connectors may trigger
        JsonNode file = report.get("x_opencti_files").get(0);
        assertThat(file.get("name").asText()).isEqualTo("Invoice.pdf.bin");
        assertThat(file.get("mime_type").asText()).isEqualTo("application/octet-stream");
        assertThat(file.get("no_trigger_import").asBoolean()).isTrue();
        assertThat(report.get("x_opencti_files").get(1).get("name").asText()).isEqualTo("invoice.pdf (2).BIN");
        assertThat(report.get("x_opencti_files").get(1).get("no_trigger_import").asBoolean()).isFalse();
        assertThat(report.get("description").asText()).contains("**Attachments flagged:**")
                .contains("- Invoice.pdf: declared application/pdf, but the content is a Windows/DOS executable");
    }

    @Test
    void anEmptyAttachmentIsListedButNotUploaded() {
        Envelope e = base().subject("empty")
                .attachment(EnvelopeAttachment.of("empty.txt", "text/plain", false, AttachmentKind.FILE, new byte[0]))
                .build();
        JsonNode report = object(builder.build(e), "report");
        assertThat(report.get("x_opencti_files")).isEmpty();
        assertThat(report.get("description").asText()).contains("- empty.txt: empty file (0 bytes), not uploaded");
    }

    @Test
    void aHugeSubjectIsCutForTheNameAndTheIdButKeptWholeInTheDescription() {
        String subject = "🎣".repeat(499) + "x".repeat(100_000);
        StixBundle bundle = builder.build(base().subject(subject).build());
        JsonNode report = object(bundle, "report");
        String name = report.get("name").asText();
        assertThat(name).hasSizeLessThanOrEqualTo(ReportBuilder.MAX_NAME_LENGTH).endsWith("x…");
        assertThat(name.codePoints().filter(cp -> cp == 0xFFFD)).isEmpty();
        assertThat(bundle.reportId()).isEqualTo(StixIds.reportId(name, Instant.parse("2025-05-09T10:11:12Z")));
        assertThat(report.get("description").asText()).contains("x".repeat(100_000));
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
    }

    @Test
    void aSubjectAtTheLimitKeepsThePythonCompatibleName() {
        String subject = "s".repeat(ReportBuilder.MAX_NAME_LENGTH);
        assertThat(object(builder.build(base().subject(subject).build()), "report").get("name").asText())
                .isEqualTo(subject);
    }

    @Test
    void aNameCutInsideASurrogatePairDropsTheWholeCharacter() {
        String subject = "a".repeat(ReportBuilder.MAX_NAME_LENGTH - 2) + "🎣🎣🎣";
        String name = object(builder.build(base().subject(subject).build()), "report").get("name").asText();
        assertThat(name).isEqualTo("a".repeat(ReportBuilder.MAX_NAME_LENGTH - 2) + "…");
    }
}
