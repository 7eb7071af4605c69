package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderSectionTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWellFormedMessageIsParsedFromTheSameBytes() throws Exception {
        byte[] raw = b("From: a@example.org\r\nSubject: ok\r\n\r\nbody\r\n");
        assertThat(HeaderSection.prepare(raw)).isSameAs(raw);
    }

    @Test
    void theFirstLineThatIsNotAHeaderStartsTheBody() throws Exception {
        assertThat(new String(HeaderSection.prepare(b("Subject: x\r\nFrom: a@example.org\r\nHello there\r\n")),
                StandardCharsets.UTF_8)).isEqualTo("Subject: x\r\nFrom: a@example.org\r\n\r\nHello there\r\n");
    }

    @Test
    void foldedHeaderLinesAreNotTakenForTheBody() throws Exception {
        byte[] raw = b("Subject: a long\n subject\nFrom: a@example.org\n\nbody\n");
        assertThat(HeaderSection.prepare(raw)).isSameAs(raw);
    }

    @Test
    void anMboxFromLineIsDroppedButAFromHeaderWithASpaceBeforeTheColonIsKept() throws Exception {
        byte[] mbox = b("From a@example.org Mon Nov 23 08:25:00 2026\nSubject: x\n\nb\n");
        assertThat(new String(HeaderSection.prepare(mbox), StandardCharsets.UTF_8)).isEqualTo("Subject: x\n\nb\n");
        byte[] obsolete = b("From : a@example.org\nSubject: x\n\nb\n");
        assertThat(HeaderSection.prepare(obsolete)).isSameAs(obsolete);
    }

    @Test
    void latin1HeadersAreDecodedWithTheDeclaredCharsetAndUtf8OnesAreLeftAlone() throws Exception {
        byte[] latin1 = "Subject: Réunion\nContent-Type: text/plain; charset=iso-8859-15\n\nx\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new String(HeaderSection.prepare(latin1), StandardCharsets.UTF_8)).startsWith("Subject: Réunion\n");
        byte[] utf8 = b("Subject: Réunion\n\nx\n");
        assertThat(HeaderSection.prepare(utf8)).isSameAs(utf8);
    }

    @Test
    void whatIsNotAnEmailIsRefusedWithItsReason() {
        assertThatThrownBy(() -> HeaderSection.prepare(b("\r\n\r\n"))).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> HeaderSection.prepare(b(" folded: first\nSubject: x\n\n")))
                .hasMessageContaining("does not start with a header line");
        assertThatThrownBy(() -> HeaderSection.prepare(b("X-Only: custom\n\nbody\n")))
                .hasMessageContaining("no e-mail header");
    }
}
