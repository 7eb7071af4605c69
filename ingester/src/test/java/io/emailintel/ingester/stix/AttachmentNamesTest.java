package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttachmentNamesTest {

    @Test
    void pathSeparatorsCannotEscapeTheName() {
        assertThat(AttachmentNames.safe("../../etc/passwd")).isEqualTo("_.._etc_passwd");
        assertThat(AttachmentNames.safe("C:\\Users\\x\\report.pdf")).isEqualTo("C__Users_x_report.pdf");
    }

    @Test
    void controlAndFormatCharactersAreReplaced() {
        assertThat(AttachmentNames.safe("a\u0000b\nc\u202Efdp.exe")).isEqualTo("a_b_c_fdp.exe");
    }

    @Test
    void blankOrHiddenNamesGetAFallback() {
        assertThat(AttachmentNames.safe("")).isEqualTo("attachment");
        assertThat(AttachmentNames.safe("   ")).isEqualTo("attachment");
        assertThat(AttachmentNames.safe("..")).isEqualTo("attachment");
        assertThat(AttachmentNames.safe(".bashrc")).isEqualTo("bashrc");
    }

    @Test
    void longNamesAreCutKeepingTheExtension() {
        String out = AttachmentNames.safe("x".repeat(500) + ".pdf");
        assertThat(out).hasSize(AttachmentNames.MAX_LENGTH).endsWith(".pdf");
    }

    @Test
    void namesAreUniqueCaseInsensitively() {
        assertThat(AttachmentNames.safeAndUnique(List.of("Report.pdf", "report.PDF", "REPORT.pdf", "other")))
                .containsExactly("Report.pdf", "report (2).PDF", "REPORT (3).pdf", "other");
    }

    @Test
    void aNumberedNameThatAlreadyExistsIsSkipped() {
        assertThat(AttachmentNames.safeAndUnique(List.of("a (2).txt", "a.txt", "A.txt")))
                .containsExactly("a (2).txt", "a.txt", "A (3).txt");
    }

    @Test
    void unicodeNamesAreKept() {
        assertThat(AttachmentNames.safe("rapport été 🎣.pdf")).isEqualTo("rapport été 🎣.pdf");
    }
}
