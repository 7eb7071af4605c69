package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.triage.RulesParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What the eml source gives triage: headers, the attached e-mail's sender, and the skip filter before publishing. */
class EmlTriageTest {

    private static final String FORWARD = """
            From: Ana Lyst <analyst@corp.example>
            To: cti@corp.example
            Subject: FW: Incident notice 7
            Received: from mx.corp.example by mbx; Mon, 03 Nov 2025 11:00:01 +0000
            DKIM-Signature: v=1; a=rsa-sha256; d=corp.example; b=AAAA
            List-Id: Corp CTI <cti.corp.example>
            Date: Mon, 03 Nov 2025 11:00:00 +0000
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            Forwarding.

            --b1
            Content-Type: message/rfc822

            From: Partner SOC <soc@partner-isac.example>
            Subject: Incident notice 7
            Content-Type: text/plain

            Details.

            --b1--
            """.replace("\n", "\r\n");

    private static final AttachmentPolicy POLICY = new AttachmentPolicy(List.of("application/pdf"), 1 << 20, 1 << 20,
            false);

    private static Envelope envelope(EmlEnvelopes envelopes, String raw) throws Exception {
        ParsedEmail mail = new MimeMessageReader().read(raw.getBytes(StandardCharsets.UTF_8));
        return envelopes.envelope(mail, new EnvelopeSource(EnvelopeSource.KIND_EML_DIR, "d", "f.eml", "m", ""),
                Instant.EPOCH, "c", Instant.EPOCH);
    }

    @Test
    void attachedEmailsSenderBecomesTheOriginalSenderEvenWhenTheAttachmentIsNotCarried() throws Exception {
        Envelope e = envelope(new EmlEnvelopes(POLICY), FORWARD);
        assertThat(e.attachments()).isEmpty();
        assertThat(e.originalSender().address()).isEqualTo("soc@partner-isac.example");
        assertThat(e.author().address()).isEqualTo("analyst@corp.example");
    }

    @Test
    void headersAreCarriedWithoutTransportAndSignatureHeaders() throws Exception {
        Envelope e = envelope(new EmlEnvelopes(POLICY), FORWARD);
        assertThat(e.header("List-Id")).containsExactly("Corp CTI <cti.corp.example>");
        assertThat(e.header("Received")).isEmpty();
        assertThat(e.header("DKIM-Signature")).isEmpty();
        assertThat(e.header("Subject")).containsExactly("FW: Incident notice 7");
    }

    @Test
    void skipRulesMatchTheOriginalSenderAndCountEveryFilteredEmail() throws Exception {
        List<String> counted = new ArrayList<>();
        ListingFilter filter = new ListingFilter(RulesParser.parse(new Yaml().load(
                "[{name: partner, match: {from: partner-isac.example}, skip: true}]")), counted::add);
        EmlEnvelopes envelopes = new EmlEnvelopes(POLICY, filter);
        Envelope e = envelope(envelopes, FORWARD);
        assertThat(envelopes.filteredBy(e, "f.eml")).contains("partner");
        assertThat(counted).containsExactly("partner");
        assertThat(filter.takeCount()).isEqualTo(1);
        assertThat(filter.takeCount()).isZero();
    }
}
