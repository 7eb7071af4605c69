package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.Recipients;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractorTest {

    private final Extractor extractor = new Extractor(ExtractMode.OBSERVABLES, Exclusions.defaults(), 1000);

    private static List<String> values(Extraction x) {
        return x.observables().stream().map(Observable::value).toList();
    }

    private static EnvelopeAttachment file(String name, String type, byte[] content) {
        return EnvelopeAttachment.of(name, type, false, AttachmentKind.FILE, content);
    }

    @Test
    void offExtractsNothing() {
        assertThat(Extractor.off().extract(Mails.text("8.8.8.8 evil-updates.net"))).isEqualTo(Extraction.NONE);
    }

    @Test
    void valuesAreDeduplicatedAcrossBodyAndAttachmentsInOrderOfFirstAppearance() {
        var e = Mails.from("alerts@cert-bulletins.org", new EnvelopeBody(EnvelopeBody.TEXT, "8.8.8.8 8[.]8.8.8 9.9.9.9"))
                .attachment(file("iocs.csv", "text/csv", "ip\n9.9.9.9\n1.1.1.1\n".getBytes(StandardCharsets.UTF_8)))
                .attachment(file("notes.txt", "text/plain", "evil-updates[.]net".getBytes(StandardCharsets.UTF_8)))
                .build();
        assertThat(values(extractor.extract(e))).containsExactly("8.8.8.8", "9.9.9.9", "1.1.1.1", "evil-updates.net");
    }

    @Test
    void binaryAndNonTextAttachmentsAreNeverRead() {
        byte[] binary = "MZ\0\0 45.61.136.12".getBytes(StandardCharsets.ISO_8859_1);
        var e = Mails.from("alerts@cert-bulletins.org", EnvelopeBody.empty())
                .attachment(file("x.txt", "text/plain", binary))
                .attachment(file("r.pdf", "application/pdf", "%PDF 45.61.136.13".getBytes(StandardCharsets.UTF_8)))
                .attachment(file("p.html", "text/html", "45.61.136.14".getBytes(StandardCharsets.UTF_8)))
                .build();
        assertThat(extractor.extract(e).isEmpty()).isTrue();
    }

    @Test
    void htmlBodiesAreReadAsTextWithoutLinkTargets() {
        var e = Mails.from("alerts@cert-bulletins.org", new EnvelopeBody(EnvelopeBody.HTML,
                "<p>C2<b> 45.61.136[.]12</b></p><p><a href=\"https://link-target.com/x\">evil-updates.net</a></p>"
                        + "<table><tr><td>9.9.9.9</td><td>1.1.1.1</td></tr></table>")).build();
        assertThat(values(extractor.extract(e))).containsExactly("45.61.136.12", "evil-updates.net", "9.9.9.9",
                "1.1.1.1");
    }

    @Test
    void theSenderMailboxAndRecipientsAreNotObservables() {
        var e = Mails.from("alerts@cert-bulletins.org", new EnvelopeBody(EnvelopeBody.TEXT,
                        "alerts@cert-bulletins.org https://www.cert-bulletins.org/x soc@corp-defender.net "
                                + "vpn.corp-defender.net analyst@partner-soc.com evil@payro11-update.com"))
                .recipients(new Recipients(List.of(EmailAddress.of("Analyst@Partner-SOC.com")), List.of(), List.of()))
                .build();
        assertThat(values(extractor.extract(e))).containsExactly("evil@payro11-update.com");
    }

    @Test
    void pastTheCapValuesAreCountedAndTheDescriptionSaysSo() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            body.append("45.61.136.").append(i + 1).append(' ');
        }
        Extraction x = new Extractor(ExtractMode.OBSERVABLES, Exclusions.defaults(), 25).extract(Mails.text(body + "45.61.136.1"));
        assertThat(x.observables()).hasSize(25);
        assertThat(x.leftOut()).isEqualTo(5);
        assertThat(x.descriptionNote()).contains("25 extracted").contains("5 more were left out");
        assertThat(extractor.extract(Mails.text(body.toString())).descriptionNote())
                .as("nothing is said when nothing was left out").isEmpty();
    }
}
