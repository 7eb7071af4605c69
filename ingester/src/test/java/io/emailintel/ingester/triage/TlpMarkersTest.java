package io.emailintel.ingester.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.ingester.stix.Tlp;
import io.emailintel.ingester.triage.TlpMarkers.Marker;
import io.emailintel.ingester.triage.TlpMarkers.Place;
import io.emailintel.model.EnvelopeBody;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlpMarkersTest {

    private static List<Tlp> levels(String subject, String text) {
        return TlpMarkers.find(subject, new EnvelopeBody(EnvelopeBody.TEXT, text)).stream().map(Marker::level)
                .toList();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "TLP:AMBER Weekly bulletin | AMBER",
            "[TLP: RED] Incident 42 | RED",
            "TLP-GREEN: phishing wave | GREEN",
            "TLP AMBER+STRICT advisory | AMBER_STRICT",
            "TLP:AMBER + STRICT | AMBER_STRICT",
            "tlp:amber+strict | AMBER_STRICT",
            "TLP_AMBER_STRICT | AMBER_STRICT",
            "(TLP:CLEAR) newsletter | CLEAR",
            "TLP:WHITE old style | CLEAR",
            "Tlp: Green | GREEN",
            "TLP – RED | RED",
            "Advisory //TLP:RED// | RED",
            "TLP:GREEN, TLP:AMBER | AMBER",
    })
    void realSpellingsInTheSubject(String subject, Tlp expected) {
        List<Marker> found = TlpMarkers.find(subject, EnvelopeBody.empty());
        assertThat(TlpMarkers.strictest(found)).map(Marker::level).contains(expected);
        assertThat(found).allMatch(m -> m.place() == Place.SUBJECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLP adjusting for Q3", "Our TLP policy", "TLP:REDACTED", "TLP-GREENLAND trip",
            "the tlp", "HTTP:RED", "STLP:RED", "TLP:ORANGE", "RED alert", "TLPRED"})
    void falseFriendsAreNotMarkers(String subject) {
        assertThat(TlpMarkers.find(subject, EnvelopeBody.empty())).isEmpty();
    }

    @Test
    void markersInTheBodyCountUpToTheSignature() {
        assertThat(levels("Bulletin", """
                Classification: TLP:AMBER

                Indicators follow.
                --\u0020
                Jane, SOC. Remember: TLP:RED material must never be forwarded.
                """)).containsExactly(Tlp.AMBER);
    }

    @Test
    void aQuotedEarlierMessageDoesNotCount() {
        assertThat(levels("RE: Bulletin", """
                Thanks, we will look into it.

                On Mon, 3 Nov 2025 at 09:12, ISAC <alerts@isac.example> wrote:
                > TLP:RED
                > Details of the incident.
                """)).isEmpty();
        assertThat(levels("RE: x", "fine\n> [TLP:RED] earlier text\nmore of mine")).isEmpty();
        assertThat(levels("RE: x", "ok\n-----Original Message-----\nFrom: a@b.example\nTLP:RED\n")).isEmpty();
    }

    @Test
    void htmlBlockquoteIsQuoted() {
        EnvelopeBody html = new EnvelopeBody(EnvelopeBody.HTML,
                "<p>Noted.</p><blockquote><p>TLP:RED</p><p>old</p></blockquote><p>TLP:GREEN for this reply</p>");
        assertThat(TlpMarkers.find("RE: x", html)).extracting(Marker::level).containsExactly(Tlp.GREEN);
    }

    @Test
    void theForwardedMessageItselfCounts() {
        assertThat(levels("Fwd: Incident", """
                FYI

                ---------- Forwarded message ---------
                From: ISAC <alerts@isac.example>
                Subject: Incident

                TLP:RED
                """)).containsExactly(Tlp.RED);
    }

    @Test
    void describesWhereItWasFound() {
        assertThat(TlpMarkers.find("[TLP:RED] x", EnvelopeBody.empty()).get(0).describe())
                .isEqualTo("marker \"TLP:RED\" in the subject");
    }
}
