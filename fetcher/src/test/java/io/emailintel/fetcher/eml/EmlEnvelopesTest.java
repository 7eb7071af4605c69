package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo mailbox through the same attachment policy as Graph mail. */
class EmlEnvelopesTest {

    private static final long MIB = 1024 * 1024;
    private final MimeMessageReader reader = new MimeMessageReader();
    private final EmlEnvelopes defaults = new EmlEnvelopes(new AttachmentPolicy(
            List.of("application/pdf", "text/csv", "text/plain"), 10 * MIB, 10 * MIB, false));

    private Envelope envelope(EmlEnvelopes envelopes, String file) throws Exception {
        ParsedEmail mail = reader.read(Files.readAllBytes(MimeMessageReaderTest.demoMailbox().resolve(file)));
        EnvelopeSource source = new EnvelopeSource(EnvelopeSource.KIND_EML_DIR, "demo", file, mail.messageId(),
                mail.messageId());
        return envelopes.envelope(mail, source, Instant.parse("2026-01-01T00:00:00Z"), "cycle", Instant.EPOCH);
    }

    @Test
    void disallowedTypesAreSkippedWithTheirReasonAndAllowedOnesKept() throws Exception {
        Envelope e = envelope(defaults, "08-disallowed-attachment-types.eml");
        assertThat(e.attachments()).extracting(a -> a.name()).containsExactly("notes.txt");
        assertThat(e.skippedAttachments()).extracting(SkippedAttachment::name, SkippedAttachment::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("edgegate-update.exe", SkipReason.NOT_ALLOWED),
                        org.assertj.core.groups.Tuple.tuple("sample.zip", SkipReason.NOT_ALLOWED));
    }

    @Test
    void octetStreamPdfIsRecognisedByItsMagicBytes() throws Exception {
        Envelope e = envelope(defaults, "11-pdf-labelled-octet-stream.eml");
        assertThat(e.attachments()).singleElement().satisfies(a -> {
            assertThat(a.mimeType()).isEqualTo("application/pdf");
            assertThat(a.name()).isEqualTo("lockpine-tooling.pdf");
        });
    }

    @Test
    void inlineImagesAreSkippedUnlessIncluded() throws Exception {
        Envelope e = envelope(defaults, "10-inline-image-and-pdf.eml");
        assertThat(e.attachments()).extracting(a -> a.name()).containsExactly("Q4-2026-threat-landscape.pdf");
        assertThat(e.skippedAttachments()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo(SkipReason.INLINE_IMAGE));
        EmlEnvelopes inline = new EmlEnvelopes(new AttachmentPolicy(List.of("application/pdf", "image/*"),
                10 * MIB, 10 * MIB, true));
        assertThat(envelope(inline, "10-inline-image-and-pdf.eml").attachments()).hasSize(2);
    }

    @Test
    void attachedEmailTravelsAsAnEmlWhenMessageRfc822IsAllowed() throws Exception {
        assertThat(envelope(defaults, "05-forwarded-phish-as-attachment.eml").skippedAttachments()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo(SkipReason.NOT_ALLOWED));
        EmlEnvelopes withEml = new EmlEnvelopes(new AttachmentPolicy(List.of("message/rfc822"), 10 * MIB, 10 * MIB,
                false));
        assertThat(envelope(withEml, "05-forwarded-phish-as-attachment.eml").attachments()).singleElement()
                .satisfies(a -> {
                    assertThat(a.kind()).isEqualTo(AttachmentKind.ITEM);
                    assertThat(a.mimeType()).isEqualTo("message/rfc822");
                });
    }

    @Test
    void sizeLimitsApplyAsForGraphMail() throws Exception {
        EmlEnvelopes tiny = new EmlEnvelopes(new AttachmentPolicy(List.of("application/pdf"), 100, 10 * MIB, false));
        assertThat(envelope(tiny, "01-vendor-advisory-pdf.eml").skippedAttachments()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo(SkipReason.TOO_LARGE));
    }

    @Test
    void receivedTimeFallsBackToTheFileTimeWhenTheMessageHasNone() throws Exception {
        ParsedEmail mail = reader.read("Subject: undated\r\n\r\nbody\r\n".getBytes());
        Envelope e = defaults.envelope(mail, new EnvelopeSource(EnvelopeSource.KIND_EML_DIR, "d", "f", "x", ""),
                Instant.parse("2026-02-03T04:05:06Z"), "c", Instant.EPOCH);
        assertThat(e.receivedAt()).isEqualTo(Instant.parse("2026-02-03T04:05:06Z"));
    }
}
