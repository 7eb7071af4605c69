package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.model.AttachmentKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MimeMessageReaderTest {

    private final MimeMessageReader reader = new MimeMessageReader();

    static Path demoMailbox() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("config/demo/mailbox"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("config/demo/mailbox not found above the working directory");
        }
        return dir.resolve("config/demo/mailbox");
    }

    private ParsedEmail demo(String file) throws Exception {
        return reader.read(Files.readAllBytes(demoMailbox().resolve(file)));
    }

    private ParsedEmail parse(String raw) throws Exception {
        return reader.read(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void alternativeBodyPrefersHtmlAndKeepsThePdf() throws Exception {
        ParsedEmail mail = demo("01-vendor-advisory-pdf.eml");
        assertThat(mail.subject()).startsWith("Security Advisory NWN-2026-0042");
        assertThat(mail.messageId()).isEqualTo("nwn-2026-0042.advisory@northwind.example");
        assertThat(mail.from().address()).isEqualTo("psirt@northwind.example");
        assertThat(mail.from().name()).isEqualTo("Northwind Networks PSIRT");
        assertThat(mail.body().isHtml()).isTrue();
        assertThat(mail.body().content()).contains("<table");
        assertThat(mail.parts()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("NWN-2026-0042.pdf");
            assertThat(p.mimeType()).isEqualTo("application/pdf");
            assertThat(p.inline()).isFalse();
            assertThat(new String(p.content(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4");
        });
        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2026-11-23T08:14:02Z"));
        assertThat(mail.receivedAt()).isEqualTo(mail.sentAt());
    }

    @Test
    void encodedWordSubjectAndSenderWithLatin1QuotedPrintableBody() throws Exception {
        ParsedEmail mail = demo("06-french-subject-latin1.eml");
        assertThat(mail.subject()).isEqualTo("Réunion d'urgence : campagne d'hameçonnage ciblant les hôpitaux");
        assertThat(mail.from().name()).isEqualTo("CERT Santé (démo)");
        assertThat(mail.body().isHtml()).isFalse();
        assertThat(mail.body().content()).contains("hameçonnage cible les hôpitaux").contains("identité");
        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2026-11-26T09:15:00Z"));
    }

    @Test
    void iso2022jpSubjectAndBody() throws Exception {
        ParsedEmail mail = demo("07-japanese-subject-iso2022jp.eml");
        assertThat(mail.subject()).isEqualTo("【注意喚起】EdgeGate VPN の脆弱性を悪用する攻撃について");
        assertThat(mail.body().content()).contains("至急アップデートを適用してください");
    }

    @Test
    void attachedEmailIsCarriedWholeAsAnItem() throws Exception {
        ParsedEmail mail = demo("05-forwarded-phish-as-attachment.eml");
        assertThat(mail.body().content()).contains("looks like phishing");
        assertThat(mail.parts()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(AttachmentKind.ITEM);
            assertThat(p.mimeType()).isEqualTo("message/rfc822");
            assertThat(p.name()).endsWith(".eml");
            String source = new String(p.content(), StandardCharsets.UTF_8);
            assertThat(source).contains("Subject: Action required: your mailbox is full")
                    .contains("micr0soft-helpdesk.example/validate");
        });
    }

    @Test
    void inlineImageReferencedByContentIdIsInlineAndThePdfIsNot() throws Exception {
        ParsedEmail mail = demo("10-inline-image-and-pdf.eml");
        assertThat(mail.body().isHtml()).isTrue();
        assertThat(mail.parts()).hasSize(2);
        assertThat(mail.parts().get(0)).satisfies(p -> {
            assertThat(p.mimeType()).isEqualTo("image/png");
            assertThat(p.inline()).isTrue();
        });
        assertThat(mail.parts().get(1)).satisfies(p -> {
            assertThat(p.name()).isEqualTo("Q4-2026-threat-landscape.pdf");
            assertThat(p.inline()).isFalse();
        });
    }

    @Test
    void missingSubjectIsEmpty() throws Exception {
        ParsedEmail mail = demo("04-no-subject.eml");
        assertThat(mail.subject()).isEmpty();
        assertThat(mail.from().address()).isEqualTo("analyst.on.call@partner.example");
    }

    @Test
    void octetStreamPdfKeepsItsDeclaredTypeForThePolicyToSniff() throws Exception {
        ParsedEmail mail = demo("11-pdf-labelled-octet-stream.eml");
        assertThat(mail.parts()).singleElement().satisfies(p -> {
            assertThat(p.mimeType()).isEqualTo("application/octet-stream");
            assertThat(p.name()).isEqualTo("lockpine-tooling.pdf");
        });
    }

    @Test
    void rfc2231AndEncodedWordFileNamesAreDecoded() throws Exception {
        ParsedEmail mail = parse("""
                From: a@example.org
                Subject: names
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/plain; charset=utf-8

                body
                --b
                Content-Type: application/pdf
                Content-Disposition: attachment; filename*=UTF-8''rapport%20d%C3%A9taill%C3%A9.pdf
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK
                --b
                Content-Type: text/csv; name="=?UTF-8?B?aW5kaWNhdGV1cnMuY3N2?="
                Content-Disposition: attachment; filename="=?UTF-8?B?aW5kaWNhdGV1cnMuY3N2?="

                a,b
                --b--
                """);
        assertThat(mail.parts()).extracting(ParsedPart::name).containsExactly("rapport détaillé.pdf", "indicateurs.csv");
    }

    @Test
    void unknownCharsetFallsBackToUtf8InsteadOfFailing() throws Exception {
        ParsedEmail mail = parse("""
                From: a@example.org
                Subject: =?x-unknown?Q?hello?=
                Content-Type: text/plain; charset=x-klingon

                qapla' ✓
                """);
        assertThat(mail.body().content()).contains("qapla' ✓");
    }

    @Test
    void newestReceivedHeaderGivesTheReceivedTime() throws Exception {
        ParsedEmail mail = parse("""
                Received: from mx2.example.org by mail.example.org; Tue, 24 Nov 2026 06:00:05 +0000
                Received: from relay.example.net by mx2.example.org; Tue, 24 Nov 2026 06:00:02 +0000
                From: a@example.org
                Date: Tue, 24 Nov 2026 05:59:58 +0000
                Subject: timing

                x
                """);
        assertThat(mail.receivedAt()).isEqualTo(Instant.parse("2026-11-24T06:00:05Z"));
        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2026-11-24T05:59:58Z"));
    }

    @Test
    void textAttachmentIsNotMistakenForTheBody() throws Exception {
        ParsedEmail mail = demo("12-plain-text-iocs.eml");
        assertThat(mail.body().content()).contains("Sweep over proxy logs");
        assertThat(mail.parts()).singleElement().satisfies(p -> assertThat(p.name()).isEqualTo("hits.txt"));
    }

    @Test
    void deeplyNestedMultipartsStopAtTheDepthLimit() throws Exception {
        StringBuilder raw = new StringBuilder("From: a@example.org\nSubject: nest\nMIME-Version: 1.0\n");
        int depth = 200;
        for (int i = 0; i < depth; i++) {
            raw.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\n\n--b").append(i).append('\n');
        }
        raw.append("Content-Type: text/plain\n\ndeep\n");
        for (int i = depth - 1; i >= 0; i--) {
            raw.append("--b").append(i).append("--\n");
        }
        ParsedEmail mail = parse(raw.toString());
        assertThat(mail.body().content()).doesNotContain("deep");
    }

    @Test
    void anInlineImageAfterAnAttachedEmailIsStillRecognisedByItsContentId() throws Exception {
        ParsedEmail mail = parse("""
                From: a@example.org
                Subject: cid after an attached e-mail
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="m"

                --m
                Content-Type: message/rfc822

                From: b@example.org
                Subject: inner

                x
                --m
                Content-Type: image/png
                Content-ID: <logo@x>

                PNG
                --m
                Content-Type: text/html

                <img src="cid:logo@x">
                --m--
                """);
        assertThat(mail.parts()).extracting(ParsedPart::inline).containsExactly(false, true);
    }

    @Test
    void garbageIsNotAMessage() {
        assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(MalformedMailException.class);
    }
}
