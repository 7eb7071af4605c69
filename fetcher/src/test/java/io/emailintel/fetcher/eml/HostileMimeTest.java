package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.AttachmentKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Messages built to break a MIME parser: each is read, decoded or replaced, and never throws anything else. */
class HostileMimeTest {

    private final MimeMessageReader reader = new MimeMessageReader();

    /** Headers and body as raw bytes (CRLF line ends), so tests can put any byte anywhere. */
    private static byte[] raw(Object... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : pieces) {
            byte[] b = p instanceof byte[] bytes ? bytes
                    : p.toString().replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Test
    void invalidUtf8InRawHeadersAndBodyIsReplacedNotFatal() throws Exception {
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        ParsedEmail mail = reader.read(raw("From: \"Bad ", bad, "\" <a@example.org>\nSubject: broken ", bad,
                " subject\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbody ", bad,
                " end\n"));
        assertThat(mail.subject()).startsWith("broken ").endsWith(" subject").contains("\uFFFD");
        assertThat(mail.body().content()).startsWith("body ").contains("\uFFFD").contains(" end");
        assertThat(mail.from().address()).isEqualTo("a@example.org");
    }

    @Test
    void legacyCharsetsAreDecodedInBodiesAndEncodedWords() throws Exception {
        record Legacy(String charset, String text) { }
        for (Legacy l : new Legacy[] {
                new Legacy("ISO-8859-1", "Réunion à Genève"),
                new Legacy("windows-1252", "€ “smart quotes” — dash"),
                new Legacy("KOI8-R", "Фишинговая кампания"),
                new Legacy("ISO-2022-JP", "標的型攻撃メール")}) {
            Charset cs = Charset.forName(l.charset());
            String word = "=?" + l.charset() + "?B?" + Base64.getEncoder().encodeToString(l.text().getBytes(cs)) + "?=";
            ParsedEmail mail = reader.read(raw("From: a@example.org\nSubject: ", word, "\nMIME-Version: 1.0\n"
                    + "Content-Type: text/plain; charset=\"", l.charset(), "\"\nContent-Transfer-Encoding: 8bit\n\n",
                    l.text().getBytes(cs), "\n"));
            assertThat(mail.subject()).as(l.charset()).isEqualTo(l.text());
            assertThat(mail.body().content()).as(l.charset()).contains(l.text());
        }
    }

    @Test
    void noSenderNoSubjectNoDateIsStillAMessage() throws Exception {
        ParsedEmail mail = reader.read(raw("MIME-Version: 1.0\nContent-Type: text/plain\n\nwho sent this?\n"));
        assertThat(mail.subject()).isEmpty();
        assertThat(mail.from().isEmpty()).isTrue();
        assertThat(mail.receivedAt()).isNull();
        assertThat(mail.body().content()).contains("who sent this?");
    }

    @Test
    void aHundredThousandCharacterFoldedSubjectIsReadWhole() throws Exception {
        StringBuilder subject = new StringBuilder();
        for (int i = 0; i < 100_000 / 50; i++) {
            subject.append(i == 0 ? "" : "\n ").append("x".repeat(49));
        }
        ParsedEmail mail = reader.read(raw("From: a@example.org\nSubject: ", subject, "\n\nbody\n"));
        assertThat(mail.subject().replace(" ", "")).hasSize(49 * 2_000);
    }

    @Test
    void fiveThousandRecipientsAreAllKept() throws Exception {
        StringBuilder to = new StringBuilder("To: ");
        for (int i = 0; i < 5_000; i++) {
            to.append(i == 0 ? "" : ",\n ").append("user").append(i).append("@example.org");
        }
        ParsedEmail mail = reader.read(raw("From: a@example.org\n", to, "\nSubject: many\n\nx\n"));
        assertThat(mail.recipients().to()).hasSize(5_000);
        assertThat(mail.recipients().to().get(4_999).address()).isEqualTo("user4999@example.org");
    }

    @Test
    void tenThousandNestedMultipartsEndAtTheDepthLimitWithoutOverflow() throws Exception {
        int depth = 10_000;
        StringBuilder m = new StringBuilder("From: a@example.org\nSubject: nest\nMIME-Version: 1.0\n");
        for (int i = 0; i < depth; i++) {
            m.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\n\n--b").append(i).append('\n');
        }
        m.append("Content-Type: text/plain\n\ndeep\n");
        for (int i = depth - 1; i >= 0; i--) {
            m.append("--b").append(i).append("--\n");
        }
        ParsedEmail mail = reader.read(raw(m));
        assertThat(mail.subject()).isEqualTo("nest");
        assertThat(mail.parts()).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void anAttachedEmailThatAttachesAnEmailIsCarriedWholeOnce() throws Exception {
        String innermost = "From: c@example.org\nSubject: innermost\n\nthe payload\n";
        String middle = "From: b@example.org\nSubject: middle\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"m\"\n\n--m\nContent-Type: text/plain\n\nsee attached\n"
                + "--m\nContent-Type: message/rfc822\n\n" + innermost + "--m--\n";
        ParsedEmail mail = reader.read(raw("From: a@example.org\nSubject: outer\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"o\"\n\n--o\nContent-Type: text/plain\n\nfwd\n"
                + "--o\nContent-Type: message/rfc822\n\n", middle, "--o--\n"));
        assertThat(mail.parts()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(AttachmentKind.ITEM);
            assertThat(p.name()).isEqualTo("middle.eml");
            assertThat(new String(p.content(), StandardCharsets.UTF_8)).contains("innermost").contains("the payload");
        });
    }

    @Test
    void hostileFileNamesArriveAsTheyWereSentForTheIngesterToMakeSafe() throws Exception {
        ParsedEmail mail = reader.read(raw("From: a@example.org\nSubject: names\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"n\"\n\n"
                + "--n\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%00.pdf\n\n%PDF-1.4\n"
                + "--n\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe\n\nMZ\n"
                + "--n\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"empty.txt\"\n\n"
                + "--n--\n"));
        assertThat(mail.parts()).extracting(ParsedPart::name)
                .containsExactly("../../etc/passwd\u0000.pdf", "invoice\u202Efdp.exe", "empty.txt");
        assertThat(mail.parts().get(2).content()).isEmpty();
    }
}
