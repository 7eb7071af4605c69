package io.emailintel.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Envelopes for tests. */
public final class EnvelopeFixtures {

    private EnvelopeFixtures() {
    }

    public static EnvelopeSource source(String messageId) {
        return new EnvelopeSource(EnvelopeSource.KIND_GRAPH, "cti@example.org", "Inbox", messageId,
                "<" + messageId + "@mail.example.org>");
    }

    /** A typical advisory with one PDF and one skipped attachment. */
    public static Envelope advisory(String messageId) {
        return Envelope.builder()
                .source(source(messageId))
                .subject("Vendor advisory: CVE-2025-0001 exploited in the wild")
                .from(new EmailAddress("Vendor PSIRT", "psirt@vendor.example"))
                .sender(new EmailAddress("Vendor PSIRT", "psirt@vendor.example"))
                .recipients(new Recipients(List.of(EmailAddress.of("cti@example.org")), List.of(), List.of()))
                .sentAt(Instant.parse("2025-05-09T10:11:10Z"))
                .receivedAt(Instant.parse("2025-05-09T10:11:12Z"))
                .body(new EnvelopeBody("html", "<p>See the attached <b>PDF</b>.</p>"))
                .attachment(EnvelopeAttachment.of("advisory.pdf", "application/pdf", false, AttachmentKind.FILE,
                        "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII)))
                .skipped(new SkippedAttachment("logo.png", "image/png", 2048, SkipReason.NOT_ALLOWED, ""))
                .fetchCycleId("cycle-1")
                .fetchedAt(Instant.parse("2025-05-09T10:15:00Z"))
                .build();
    }
}
