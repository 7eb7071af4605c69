package io.emailintel.ingester.attachments;

import static io.emailintel.ingester.attachments.Samples.envelope;
import static io.emailintel.ingester.attachments.Samples.file;
import static io.emailintel.ingester.attachments.Samples.on;
import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeAttachment;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AES-encrypted 7z. commons-compress reads 7zAES but cannot write it, so these two fixtures were made with
 * 7-Zip 26.02 (Debian p7zip-full) and committed:
 * {@code 7z a -pinfected -mhe=off aes.7z report.pdf} (LZMA2 + 7zAES, names readable) and
 * {@code 7z a "-pS3cr3t pass" -mhe=on aes-headers.7z iocs.csv} (the header, names included, encrypted too).
 */
class SevenZipAesTest {

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = SevenZipAesTest.class.getResourceAsStream("/attachments/" + name)) {
            return in.readAllBytes();
        }
    }

    private static AttachmentExpansion expand(ExpansionSettings s, String body, String name) throws IOException {
        return new AttachmentExpander(s).expand(envelope(body, file(name, "application/x-7z-compressed",
                fixture(name))));
    }

    @Test
    void aesSevenZipOpensWithTheConfiguredDefaultPassword() throws Exception {
        AttachmentExpansion x = expand(on("infected"), "", "aes.7z");
        assertThat(x.files()).extracting(EnvelopeAttachment::name).containsExactly("report.pdf");
        assertThat(new String(x.files().get(0).content())).startsWith("%PDF-1.7");
        assertThat(x.opened()).containsExactly("aes.7z: 7z, 1 file, opened with the password from "
                + "INGESTER_ARCHIVE_PASSWORDS entry 1");
    }

    @Test
    void encryptedHeadersOpenWithAPasswordWithASpaceFromTheBody() throws Exception {
        AttachmentExpansion x = expand(on("infected"), "Archive password: S3cr3t pass", "aes-headers.7z");
        assertThat(x.files()).extracting(EnvelopeAttachment::name).containsExactly("iocs.csv");
        assertThat(x.opened().get(0)).contains("the e-mail's \"password:\" line (line 1 of its text)");
        assertThat(x.description()).doesNotContain("S3cr3t");
    }

    @Test
    void wrongAndMissingPasswordsLeaveSevenZipClosed() throws Exception {
        assertThat(expand(on("nope"), "pw: wrong", "aes.7z").closed()).singleElement().asString()
                .contains("none of the 2 passwords tried opened it");
        assertThat(expand(on(), "", "aes-headers.7z").closed()).singleElement().asString()
                .contains("no password was available");
    }

    @Test
    void aDecoderAskingForMoreMemoryThanAllowedIsRefused() throws Exception {
        ExpansionSettings tight = new ExpansionSettings(true, List.of("infected"), List.of("*/*"), 3, 100, 8L << 20,
                100, 1);
        AttachmentExpansion x = expand(tight, "", "aes.7z");
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).singleElement().asString().contains("its decoder needs more than 1 KiB of memory");
    }
}
