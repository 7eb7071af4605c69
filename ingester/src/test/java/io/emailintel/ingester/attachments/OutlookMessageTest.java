package io.emailintel.ingester.attachments;

import static io.emailintel.ingester.attachments.Samples.CSV;
import static io.emailintel.ingester.attachments.Samples.PDF;
import static io.emailintel.ingester.attachments.Samples.envelope;
import static io.emailintel.ingester.attachments.Samples.file;
import static io.emailintel.ingester.attachments.Samples.on;
import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeAttachment;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.junit.jupiter.api.Test;

class OutlookMessageTest {

    private static final String HEADERS = "Message-ID: <phish-1@example.org>\r\nFrom: Reporter <rep@example.org>\r\n"
            + "To: soc@example.org\r\nSubject: FW: invoice\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
            + "Content-Type: multipart/mixed; boundary=\"gone\"\r\nX-Long: first\r\n second\r\n";

    private static MsgFixture phishingReport() {
        MsgFixture inner = new MsgFixture("Your invoice", "Open the attachment", "Bad Actor", "victim@example.org",
                null).file("iocs.csv", "text/csv", CSV);
        return new MsgFixture("FW: invoice", "Reported phish attached.", "Reporter", "soc@example.org", HEADERS)
                .file("report.pdf", "application/pdf", PDF).message("Your invoice", inner);
    }

    @Test
    void msgIsCarriedAsTheEmlItRepresentsWithItsHeadersBodyAndAttachments() throws Exception {
        List<String> notes = new ArrayList<>();
        byte[] eml = MsgToEml.convert(phishingReport().bytes(), 3, notes);
        MimeMessage m = new MimeMessage(Mime.SESSION, new ByteArrayInputStream(eml));
        assertThat(m.getMessageID()).isEqualTo("<phish-1@example.org>");
        assertThat(m.getSubject()).isEqualTo("FW: invoice");
        assertThat(m.getHeader("X-Long")[0]).isEqualTo("first\r\n second");
        assertThat(m.getContentType()).startsWith("multipart/mixed").doesNotContain("gone");
        String text = new String(eml, StandardCharsets.UTF_8);
        assertThat(text).contains("Reported phish attached.").contains("Content-Type: message/rfc822")
                .contains("Subject: Your invoice");
        assertThat(notes).isEmpty();
    }

    @Test
    void conversionIsReproducible() throws Exception {
        byte[] msg = phishingReport().bytes();
        assertThat(MsgToEml.convert(msg, 3, new ArrayList<>())).isEqualTo(MsgToEml.convert(msg, 3, new ArrayList<>()));
    }

    @Test
    void msgWithAnEmbeddedMsgIsExpandedAtEveryLevel() throws Exception {
        AttachmentExpansion x = new AttachmentExpander(on()).expand(envelope("",
                file("report.msg", "application/vnd.ms-outlook", phishingReport().bytes())));
        assertThat(x.files()).extracting(EnvelopeAttachment::name)
                .containsExactly("report.eml", "report.pdf", "Your invoice.eml", "iocs.csv");
        assertThat(x.files()).extracting(EnvelopeAttachment::mimeType)
                .containsExactly("message/rfc822", "application/pdf", "message/rfc822", "text/csv");
        assertThat(x.opened()).containsExactly("report.msg: Outlook message, carried as report.eml",
                "report.msg: e-mail, 2 attachments", "report.msg › Your invoice.eml: e-mail, 1 attachment");
    }

    @Test
    void msgWithoutTransportHeadersGetsThemRebuiltFromItsProperties() throws Exception {
        byte[] msg = new MsgFixture("Grüße", "Passwort: geheim", "Ana", "soc@example.org", null)
                .file("s.zip", "application/zip", Samples.zip(Map.of("r.pdf", PDF), "geheim", EncryptionMethod.AES,
                        StandardCharsets.UTF_8)).bytes();
        MimeMessage m = new MimeMessage(Mime.SESSION,
                new ByteArrayInputStream(MsgToEml.convert(msg, 3, new ArrayList<>())));
        assertThat(m.getSubject()).isEqualTo("Grüße");
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("soc@example.org");
        // and the password line of the .msg's own body opens its archive
        AttachmentExpansion x = new AttachmentExpander(on()).expand(envelope("", file("m.msg",
                "application/octet-stream", msg)));
        assertThat(x.files()).extracting(EnvelopeAttachment::name).containsExactly("m.eml", "r.pdf");
        assertThat(x.description()).doesNotContain("geheim");
    }

    @Test
    void embeddedMessagesPastTheDepthLimitAreLeftOutAndSaidSo() throws Exception {
        MsgFixture deepest = new MsgFixture("4", "", "x", null, null).file("d.csv", "text/csv", CSV);
        MsgFixture three = new MsgFixture("3", "", "x", null, null).message("four", deepest);
        MsgFixture two = new MsgFixture("2", "", "x", null, null).message("three", three);
        MsgFixture one = new MsgFixture("1", "", "x", null, null).message("two", two);
        AttachmentExpansion x = new AttachmentExpander(on()).expand(envelope("",
                file("one.msg", "application/vnd.ms-outlook", one.bytes())));
        assertThat(x.files()).extracting(EnvelopeAttachment::name).containsExactly("one.eml", "two.eml", "three.eml");
        assertThat(x.closed()).singleElement().asString().contains("four: an embedded message nested too deep");
    }

    @Test
    void aDamagedMsgIsLeftClosed() throws Exception {
        byte[] cfbHeaderOnly = java.util.Arrays.copyOf(phishingReport().bytes(), 600);
        AttachmentExpansion x = new AttachmentExpander(on()).expand(envelope("",
                file("bad.msg", "application/vnd.ms-outlook", cfbHeaderOnly)));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).singleElement().asString().startsWith("bad.msg: not opened, not a readable Outlook message");
    }
}
