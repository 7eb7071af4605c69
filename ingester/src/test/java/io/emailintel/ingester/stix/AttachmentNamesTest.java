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

    @Test
    void everyBidiControlAndLineSeparatorIsReplaced() {
        for (char c : "\u200E\u200F\u061C\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u2028\u2029".toCharArray()) {
            assertThat(AttachmentNames.safe("a" + c + "b.txt")).as("U+%04X", (int) c).isEqualTo("a_b.txt");
        }
        assertThat(AttachmentNames.safe("lone\uD800surrogate.pdf")).isEqualTo("lone_surrogate.pdf");
    }

    @Test
    void composedAndDecomposedFormsOfTheSameNameCollide() {
        assertThat(AttachmentNames.safeAndUnique(List.of("r\u00E9sum\u00E9.pdf", "re\u0301sume\u0301.pdf")))
                .containsExactly("r\u00E9sum\u00E9.pdf", "r\u00E9sum\u00E9 (2).pdf");
    }

    @Test
    void nulAndTraversalTogetherLeaveOneHarmlessName() {
        assertThat(AttachmentNames.safe("..\u0000/..\\evil.pdf\u0000.exe")).isEqualTo("__.._evil.pdf_.exe");
    }

    @Test
    void aLongNameIsNeverCutInsideACharacter() {
        String out = AttachmentNames.safe("x" + "🎣".repeat(300) + ".pdf");
        assertThat(out).endsWith(".pdf").hasSizeLessThanOrEqualTo(AttachmentNames.MAX_LENGTH);
        assertThat(out.codePoints().filter(cp -> Character.getType(cp) == Character.SURROGATE)).isEmpty();
    }
}
