package io.emailintel.bench;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

/**
 * The bench's mailbox mix, as envelopes: a ~20 KB HTML body each, a 200 KiB PDF on every tenth, a disallowed
 * .exe recorded as skipped on every twentieth (offset by one, as FetcherBench's mailbox); or one large
 * attachment for the memory bound.
 */
final class SyntheticMail {

    static final String MAILBOX = "cti@example.org";
    static final int BODY_CHARS = 20_000;
    static final int PDF_BYTES = 200 * 1024;

    private static final String BODY = htmlBody();
    private static final byte[] PDF = pdf(PDF_BYTES, 7);

    private SyntheticMail() {
    }

    static boolean hasPdf(int i) {
        return i % 10 == 0;
    }

    static boolean hasExe(int i) {
        return i % 20 == 1;
    }

    /** An HTML advisory of about {@link #BODY_CHARS} characters: headings, paragraphs, links, an IOC table. */
    static String htmlBody() {
        StringBuilder b = new StringBuilder("<html><head><style>p{margin:0}</style></head><body>");
        b.append("<h1>Vendor advisory</h1>");
        for (int n = 0; b.length() < BODY_CHARS - 400; n++) {
            b.append("<h2>Finding ").append(n).append("</h2><p>The actor used <b>spear-phishing</b> with a lure ")
                    .append("document; see <a href=\"https://vendor.example/advisories/").append(n)
                    .append("\">the full write-up</a>. Indicators:</p><table><tr><td>198.51.100.").append(n % 250)
                    .append("</td><td>evil-").append(n).append(".example</td><td>")
                    .append(String.format("%064x", (long) n * 2654435761L)).append("</td></tr></table>");
        }
        return b.append("<p>TLP:AMBER+STRICT — do not forward.</p></body></html>").toString();
    }

    /** PDF-looking bytes: the magic, then incompressible filler (as a real PDF's streams are). */
    static byte[] pdf(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        byte[] magic = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, b, 0, Math.min(magic.length, size));
        return b;
    }

    /** E-mail {@code i} of the standard mix. */
    static Envelope standard(int i, String cycle, Instant receivedAt) {
        Envelope.Builder e = base(i, cycle, receivedAt);
        if (hasPdf(i)) {
            e.attachment(EnvelopeAttachment.of("report.pdf", "application/pdf", false, AttachmentKind.FILE, PDF));
        } else if (hasExe(i)) {
            e.skipped(new SkippedAttachment("tool.exe", "application/x-msdownload", 4096, SkipReason.NOT_ALLOWED,
                    ""));
        }
        return e.build();
    }

    /** E-mail {@code i} carrying one PDF attachment of {@code bytes}. */
    static Envelope withAttachment(int i, String cycle, Instant receivedAt, byte[] content) {
        return base(i, cycle, receivedAt)
                .attachment(EnvelopeAttachment.of("large-" + i + ".pdf", "application/pdf", false,
                        AttachmentKind.FILE, content))
                .build();
    }

    private static Envelope.Builder base(int i, String cycle, Instant receivedAt) {
        EnvelopeSource source = new EnvelopeSource(EnvelopeSource.KIND_GRAPH, MAILBOX, "Inbox",
                "AAMkAD-bench-" + cycle + "-" + i, "<bench-" + cycle + "-" + i + "@vendor.example>");
        return Envelope.builder()
                .source(source)
                .envelopeId(Envelope.stableId(source))
                .subject("advisory " + cycle + " " + i)
                .from(new EmailAddress("Vendor Advisories", "advisories@vendor.example"))
                .receivedAt(receivedAt)
                .sentAt(receivedAt)
                .body(new EnvelopeBody(EnvelopeBody.HTML, BODY))
                .fetchCycleId(cycle)
                .fetchedAt(receivedAt);
    }
}
