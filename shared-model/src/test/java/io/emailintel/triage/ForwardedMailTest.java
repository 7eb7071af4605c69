package io.emailintel.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.EnvelopeBody;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwardedMailTest {

    private static Optional<String> original(String subject, String text) {
        return ForwardedMail.inlineOriginalSender(subject, new EnvelopeBody(EnvelopeBody.TEXT, text))
                .map(EmailAddress::address);
    }

    @Test
    void gmailForward() {
        assertThat(original("Fwd: Advisory", """
                FYI, see below.

                ---------- Forwarded message ---------
                From: FS-ISAC Alerts <alerts@fsisac.example>
                Date: Mon, 3 Nov 2025 at 09:12
                Subject: Advisory
                """)).contains("alerts@fsisac.example");
    }

    @Test
    void thunderbirdForwardWithSubjectAndDateFirst() {
        assertThat(original("Fwd: x", """
                -------- Forwarded Message --------
                Subject: x
                Date: Mon, 3 Nov 2025 09:12:00 +0100
                From: "CERT Team" <team@cert.example>
                """)).contains("team@cert.example");
    }

    @Test
    void appleMailForward() {
        assertThat(original("Fwd: x", "Begin forwarded message:\n\nFrom: vendor@intel.example\nSubject: x\n"))
                .contains("vendor@intel.example");
    }

    @Test
    void outlookForwardBlockInHtml() {
        String html = "<div>see below</div><hr><div><b>From:</b> Vendor Intel &lt;intel@vendor.example&gt;<br>"
                + "<b>Sent:</b> Monday, 3 November 2025 09:12<br><b>To:</b> Analyst<br><b>Subject:</b> x</div>";
        assertThat(ForwardedMail.inlineOriginalSender("FW: x", new EnvelopeBody(EnvelopeBody.HTML, html)))
                .contains(new EmailAddress("Vendor Intel", "intel@vendor.example"));
    }

    @Test
    void outlookPlainTextMailtoForm() {
        assertThat(original("TR: x", """
                -----Original Message-----
                From: Intel Team [mailto:intel@vendor.example]
                Sent: Monday, November 3, 2025 9:12 AM
                """)).contains("intel@vendor.example");
    }

    @Test
    void aReplyQuotingAnEarlierMessageIsNotAForward() {
        assertThat(original("RE: Advisory", """
                Thanks, noted.

                -----Original Message-----
                From: Intel Team [mailto:intel@vendor.example]
                Sent: Monday, November 3, 2025 9:12 AM
                """)).isEmpty();
        assertThat(original("RE: x", "ok\n\nFrom: a@b.example\nSent: Monday\nTo: c@d.example\n")).isEmpty();
    }

    @Test
    void theCarriedAttachedEmailsFromIsTheOriginalSender() {
        byte[] eml = "Subject: notice\r\nFrom: \"Partner SOC\"\r\n <soc@partner-isac.example>\r\n\r\nFrom: x@y.example\r\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        io.emailintel.model.Envelope e = io.emailintel.model.Envelope.builder()
                .source(io.emailintel.model.EnvelopeFixtures.source("g")).subject("FW: notice")
                .from(EmailAddress.of("analyst@corp.example"))
                .attachment(io.emailintel.model.EnvelopeAttachment.of("notice.eml", "message/rfc822", false,
                        io.emailintel.model.AttachmentKind.ITEM, eml))
                .receivedAt(java.time.Instant.EPOCH).fetchCycleId("c").fetchedAt(java.time.Instant.EPOCH).build();
        assertThat(ForwardedMail.attachedOriginalSender(e))
                .contains(new EmailAddress("Partner SOC", "soc@partner-isac.example"));
        assertThat(MailFacts.of(e).effectiveSender().address()).isEqualTo("soc@partner-isac.example");
    }

    @Test
    void aFromLineInProseIsNotAForward() {
        assertThat(original("Advisory", "From: our point of view a@b.example is compromised.")).isEmpty();
        assertThat(original("Fwd: x", "no separator here at all")).isEmpty();
    }
}
