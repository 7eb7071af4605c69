package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.graph.AttachmentPolicy.Kind;
import io.emailintel.fetcher.graph.AttachmentPolicy.Meta;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttachmentPolicyTest {

    private final AttachmentPolicy policy = new AttachmentPolicy(
            List.of("Application/PDF", "text/csv", "image/*", "message/rfc822"), 1000, 1500, false);

    private static Meta file(String name, String type, long size) {
        return new Meta(Kind.FILE, name, type, size, false);
    }

    @Test
    void allowListIgnoresCaseAndParametersAndAcceptsWildcards() {
        assertThat(policy.allows("application/pdf; name=a.pdf")).isTrue();
        assertThat(policy.allows("TEXT/CSV")).isTrue();
        assertThat(policy.allows("image/png")).isTrue();
        assertThat(policy.allows("text/plain")).isFalse();
        assertThat(policy.allows("imagex/png")).isFalse();
    }

    @Test
    void octetStreamGetsItsRealTypeFromMagicBytesBeforeTheAllowList() {
        Meta meta = file("scan", "application/octet-stream", 10);
        assertThat(policy.screen(meta, 0)).isEmpty();
        byte[] pdf = "%PDF-1.4 ...".getBytes(StandardCharsets.US_ASCII);
        String type = AttachmentPolicy.effectiveType(meta, pdf);
        assertThat(type).isEqualTo("application/pdf");
        assertThat(policy.check(meta, type, pdf.length, 0)).isEmpty();
    }

    @Test
    void octetStreamFallsBackToTheExtension() {
        Meta meta = file("iocs.csv", "application/octet-stream", 10);
        assertThat(AttachmentPolicy.effectiveType(meta, "a,b\n1,2\n".getBytes())).isEqualTo("text/csv");
    }

    @Test
    void archivesLabelledOctetStreamGetTheirTypeForTheAllowList() {
        byte[] sevenZ = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4};
        byte[] gzip = {0x1F, (byte) 0x8B, 8, 0};
        assertThat(AttachmentPolicy.effectiveType(file("sample", "application/octet-stream", 8), sevenZ))
                .isEqualTo("application/x-7z-compressed");
        assertThat(AttachmentPolicy.effectiveType(file("x.tgz", "application/octet-stream", 4), gzip))
                .isEqualTo("application/gzip");
        assertThat(AttachmentPolicy.effectiveType(file("b.tar", "application/octet-stream", 3), "abc".getBytes()))
                .isEqualTo("application/x-tar");
        assertThat(AttachmentPolicy.effectiveType(file("report.msg", "application/octet-stream", 8),
                new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1}))
                .isEqualTo("application/vnd.ms-outlook");
    }

    @Test
    void octetStreamWithADisallowedExtensionIsSkippedWithoutDownload() {
        assertThat(policy.screen(file("tool.zip", "application/octet-stream", 10), 0))
                .get().extracting(SkippedAttachment::reason).isEqualTo(SkipReason.NOT_ALLOWED);
    }

    @Test
    void tooLargeForTheAttachmentOrTheEnvelopeIsSkipped() {
        assertThat(policy.screen(file("big.pdf", "application/pdf", 1001), 0))
                .get().extracting(SkippedAttachment::reason).isEqualTo(SkipReason.TOO_LARGE);
        assertThat(policy.screen(file("b.pdf", "application/pdf", 600), 1000))
                .get().extracting(SkippedAttachment::reason).isEqualTo(SkipReason.TOO_LARGE);
        assertThat(policy.screen(file("c.pdf", "application/pdf", 500), 1000)).isEmpty();
    }

    @Test
    void referenceAttachmentsAndInlineImagesAreSkippedWithTheirReason() {
        assertThat(policy.screen(new Meta(Kind.REFERENCE, "x.docx", "", -1, false), 0))
                .get().extracting(SkippedAttachment::reason).isEqualTo(SkipReason.REFERENCE_ATTACHMENT);
        assertThat(policy.screen(new Meta(Kind.FILE, "logo.png", "image/png", 10, true), 0))
                .get().extracting(SkippedAttachment::reason).isEqualTo(SkipReason.INLINE_IMAGE);
        AttachmentPolicy inline = new AttachmentPolicy(List.of("image/*"), 1000, 1000, true);
        assertThat(inline.screen(new Meta(Kind.FILE, "logo.png", "image/png", 10, true), 0)).isEmpty();
    }

    @Test
    void anAttachedItemIsCheckedAsMessageRfc822() {
        Meta item = new Meta(Kind.ITEM, "Fwd", null, 100, false);
        assertThat(AttachmentPolicy.declaredType(item)).isEqualTo("message/rfc822");
        assertThat(policy.screen(item, 0)).isEmpty();
        AttachmentPolicy noEml = new AttachmentPolicy(List.of("application/pdf"), 1000, 1000, false);
        assertThat(noEml.screen(item, 0)).get().extracting(SkippedAttachment::reason)
                .isEqualTo(SkipReason.NOT_ALLOWED);
    }
}
