package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EnvelopeAttachment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AttachmentCheckTest {

    private static EnvelopeAttachment file(String name, String type, String content) {
        return EnvelopeAttachment.of(name, type, false, AttachmentKind.FILE, content.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aRealPdfIsUploadedAsDeclared() {
        AttachmentCheck.Verdict v = AttachmentCheck.of(file("a.pdf", "Application/PDF", "%PDF-1.4\n%%EOF"));
        assertThat(v.action()).isEqualTo(AttachmentCheck.Action.UPLOAD);
        assertThat(v.mimeType()).isEqualTo("application/pdf");
        assertThat(v.finding()).isEmpty();
    }

    @Test
    void anExecutableClaimingToBeAPdfIsFlaggedAndNotUploadedAsAPdf() {
        AttachmentCheck.Verdict v = AttachmentCheck.of(file("invoice.pdf", "application/pdf", "MZ\u0090\u0000\u0003"));
        assertThat(v.flagged()).isTrue();
        assertThat(v.uploaded()).isTrue();
        assertThat(v.mimeType()).isEqualTo("application/octet-stream");
        assertThat(v.finding()).contains("declared application/pdf").contains("Windows/DOS executable");
    }

    @Test
    void anExecutableIsFlaggedWhateverTypeItClaims() {
        assertThat(AttachmentCheck.of(file("notes.txt", "text/plain", "\u007fELF\u0002")).flagged()).isTrue();
        assertThat(AttachmentCheck.of(file("run.csv", "text/csv", "#!/bin/bash\n")).flagged()).isTrue();
    }

    @Test
    void aPdfWithoutAPdfHeaderIsFlagged() {
        AttachmentCheck.Verdict v = AttachmentCheck.of(file("x.pdf", "application/pdf", "<html>phish</html>"));
        assertThat(v.flagged()).isTrue();
        assertThat(v.finding()).contains("signature");
    }

    @Test
    void anEmptyFileIsNotUploaded() {
        AttachmentCheck.Verdict v = AttachmentCheck.of(file("empty.pdf", "application/pdf", ""));
        assertThat(v.uploaded()).isFalse();
        assertThat(v.finding()).contains("0 bytes");
    }
}
