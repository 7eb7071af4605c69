package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.emailintel.ingester.attachments.AttachmentExpander;
import io.emailintel.ingester.attachments.ExpansionSettings;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Issue 21 at the report: extracted files join the attachments; with expansion off nothing changes. */
class ReportBuilderExpansionTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T08:00:00Z"), ZoneOffset.UTC);
    private static final byte[] PDF = "%PDF-1.7\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXE = {'M', 'Z', (byte) 0x90, 0, 3, 0};

    private static byte[] zip(String name1, byte[] c1, String name2, byte[] c2) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name1));
            zip.write(c1);
            zip.putNextEntry(new ZipEntry(name2));
            zip.write(c2);
        }
        return out.toByteArray();
    }

    private static Envelope envelope() throws Exception {
        return Envelope.builder().source(EnvelopeFixtures.source("m1")).subject("Samples")
                .receivedAt(Instant.parse("2025-05-09T10:11:12Z")).body(new EnvelopeBody(EnvelopeBody.TEXT, "pw: x"))
                .attachment(EnvelopeAttachment.of("sample.zip", "application/zip", false, AttachmentKind.FILE,
                        zip("docs/report.pdf", PDF, "invoice.pdf", EXE)))
                .fetchCycleId("c1").fetchedAt(Instant.parse("2025-05-09T10:15:00Z")).build();
    }

    private static JsonNode report(ReportBuilder builder, Envelope e) {
        return StreamSupport.stream(builder.build(e).objects().spliterator(), false)
                .filter(o -> o.get("type").asText().equals("report")).findFirst().orElseThrow();
    }

    @Test
    void expansionOffLeavesTheBundleExactlyAsBefore() throws Exception {
        Envelope e = envelope();
        StixBundle before = new ReportBuilder(ReportOptions.defaults(), CLOCK).build(e);
        StixBundle off = new ReportBuilder(ReportOptions.defaults(), CLOCK,
                new AttachmentExpander(ExpansionSettings.off())).build(e);
        assertThat(off.json()).isEqualTo(before.json());
        assertThat(report(new ReportBuilder(ReportOptions.defaults(), CLOCK), e).get("x_opencti_files"))
                .extracting(f -> f.get("name").asText()).containsExactly("sample.zip");
        assertThat(report(new ReportBuilder(ReportOptions.defaults(), CLOCK), e).get("description").asText())
                .isEqualTo("**From:** (unknown)  \n**Received:** 2025-05-09T10:11:12Z  \n**Subject:** Samples  \n"
                        + "**Message-ID:** \\<m1@mail.example.org\\>  \n**Attachments:** 1");
    }

    @Test
    void extractedFilesFollowTheArchiveThroughTheSameContentCheck() throws Exception {
        ExpansionSettings on = new ExpansionSettings(true, List.of("infected"), List.of("application/pdf"), 3, 100,
                8L << 20, 100, ExpansionSettings.DEFAULT_MAX_MEMORY_KIB);
        JsonNode report = report(new ReportBuilder(ReportOptions.defaults(), CLOCK, new AttachmentExpander(on)),
                envelope());
        JsonNode files = report.get("x_opencti_files");
        assertThat(files).extracting(f -> f.get("name").asText())
                .containsExactly("sample.zip", "report.pdf", "invoice.pdf.bin");
        // the executable posing as a PDF is kept as evidence, never as a document OpenCTI would import
        assertThat(files.get(2).get("mime_type").asText()).isEqualTo("application/octet-stream");
        assertThat(files.get(2).get("no_trigger_import").asBoolean()).isTrue();
        assertThat(files.get(1).get("no_trigger_import").asBoolean()).isFalse();
        String description = report.get("description").asText();
        assertThat(description).contains("**Attachments:** 1")
                .contains("**Attachments opened:**\n- sample.zip: zip, 2 files, not encrypted")
                .contains("**Files extracted:**\n- sample.zip › docs/report.pdf (application/pdf, ")
                .contains("invoice.pdf: declared application/pdf, but the content is a Windows/DOS executable");
        assertThat(BundleValidator.problems(new ReportBuilder(ReportOptions.defaults(), CLOCK,
                new AttachmentExpander(on)).build(envelope()).json())).isEmpty();
    }
}
