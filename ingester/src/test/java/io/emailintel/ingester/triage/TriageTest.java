package io.emailintel.ingester.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.ingester.stix.ReportDecision;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.Tlp;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.triage.Rules;
import io.emailintel.triage.RulesParser;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

class TriageTest {

    private static final ReportOptions DEFAULTS = new ReportOptions(Tlp.AMBER, List.of("threat-report"),
            "Email Intel Microsoft", false, false);

    private static final String RULES = """
            - name: isac-x
              match: {from: "isac.example"}
              author: {name: ISAC X, description: The X sharing centre, sectors: [financial-services]}
              tlp: green
              labels: [isac]
            - name: all-isacs
              match: {from: ["isac.example", "other-isac.example"]}
              tlp: red
              labels: [never-used]
              report_types: [threat-report, isac-bulletin]
            - name: newsletters
              match: {subject: "newsletter"}
              skip: true
            - name: vendor
              match: {from: "vendor.example"}
              author: Vendor Inc
            """;

    private static Rules rules(String yaml) throws Exception {
        return RulesParser.parse(new Yaml().load(yaml));
    }

    private static Envelope mail(String from, String subject, String body) {
        return Envelope.builder().source(EnvelopeFixtures.source(subject + from)).subject(subject)
                .from(EmailAddress.of(from)).body(new EnvelopeBody(EnvelopeBody.TEXT, body))
                .receivedAt(Instant.parse("2025-05-09T10:11:12Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH)
                .build();
    }

    private static TriageDecision decide(TlpPolicy policy, Tlp minimum, Envelope e) throws Exception {
        return new Triage(rules(RULES), DEFAULTS, policy, minimum).decide(e);
    }

    @Test
    void firstMatchingRulePerActionWinsInFileOrder() throws Exception {
        TriageDecision d = decide(TlpPolicy.OFF, null, mail("alerts@isac.example", "Bulletin", ""));
        assertThat(d.matchedRules()).containsExactly("isac-x", "all-isacs");
        ReportDecision r = d.report();
        assertThat(r.authorName()).isEqualTo("ISAC X");
        assertThat(r.authorSectors()).containsExactly("financial-services");
        assertThat(r.tlp()).isEqualTo(Tlp.GREEN);
        assertThat(r.markingOrigin()).isEqualTo("rule \"isac-x\"");
        assertThat(r.labels()).containsExactly("isac");
        // isac-x says nothing about report types: the next matching rule that does decides
        assertThat(r.reportTypes()).containsExactly("threat-report", "isac-bulletin");
    }

    @Test
    void noMatchKeepsTodaysDefaults() throws Exception {
        TriageDecision d = decide(TlpPolicy.RAISE, null, mail("someone@elsewhere.example", "Hello", "no marker"));
        assertThat(d.matchedRules()).isEmpty();
        assertThat(d.report()).isEqualTo(ReportDecision.defaults(DEFAULTS));
    }

    @Test
    void skipRuleSkips() throws Exception {
        TriageDecision d = decide(TlpPolicy.RAISE, null, mail("news@vendor.example", "Monthly newsletter", ""));
        assertThat(d.skipped()).isTrue();
        assertThat(d.skippedBy()).isEqualTo("newsletters");
        assertThat(d.report()).isNull();
    }

    @ParameterizedTest(name = "policy {0}, rule {1}, marker {2} → {3}")
    @CsvSource({
            // policy, sender (rule TLP), subject marker, expected
            "OFF,   alerts@isac.example, TLP:RED,   GREEN",
            "RAISE, alerts@isac.example, TLP:RED,   RED",
            "RAISE, alerts@isac.example, TLP:CLEAR, GREEN",
            "TRUST, alerts@isac.example, TLP:CLEAR, CLEAR",
            "TRUST, alerts@isac.example, TLP:RED,   RED",
            "RAISE, a@nowhere.example,   TLP:GREEN, AMBER",
            "RAISE, a@nowhere.example,   TLP:AMBER+STRICT, AMBER_STRICT",
            "TRUST, a@nowhere.example,   TLP:GREEN, GREEN",
            "TRUST, a@nowhere.example,   none,      AMBER",
    })
    void policyCombinations(TlpPolicy policy, String from, String marker, Tlp expected) throws Exception {
        TriageDecision d = decide(policy, null, mail(from, "Bulletin " + marker, ""));
        assertThat(d.report().tlp()).isEqualTo(expected);
    }

    @Test
    void severalMarkersTheStrictestDecides() throws Exception {
        TriageDecision d = decide(TlpPolicy.TRUST, null, mail("a@nowhere.example", "[TLP:GREEN] x",
                "Parts of this are TLP:AMBER, one annex is TLP:RED."));
        assertThat(d.report().tlp()).isEqualTo(Tlp.RED);
        assertThat(d.report().markingOrigin()).isEqualTo("marker \"TLP:RED\" in the body");
        assertThat(d.markers()).hasSize(3);
    }

    @Test
    void raisedMarkingSaysWhatItWasStricterThan() throws Exception {
        TriageDecision d = decide(TlpPolicy.RAISE, null, mail("alerts@isac.example", "[TLP:RED] x", ""));
        assertThat(d.report().markingOrigin())
                .isEqualTo("marker \"TLP:RED\" in the subject, stricter than rule \"isac-x\"");
    }

    @Test
    void minimumRaisesWhateverRulesAndMarkersSay() throws Exception {
        TriageDecision d = decide(TlpPolicy.TRUST, Tlp.AMBER, mail("alerts@isac.example", "TLP:CLEAR x", ""));
        assertThat(d.report().tlp()).isEqualTo(Tlp.AMBER);
        assertThat(d.report().markingOrigin()).isEqualTo("the minimum EMAIL_INTEL_MICROSOFT_TLP_MINIMUM, raised "
                + "from TLP:CLEAR (marker \"TLP:CLEAR\" in the subject)");
        TriageDecision strict = decide(TlpPolicy.OFF, Tlp.GREEN, mail("a@nowhere.example", "x", ""));
        assertThat(strict.report().tlp()).isEqualTo(Tlp.AMBER);
        assertThat(strict.report().markingOrigin()).isNull();
    }

    @Test
    void forwardedEmailIsJudgedByItsOriginalSender() throws Exception {
        Envelope inline = mail("analyst@corp.example", "Fwd: Bulletin", """
                FYI
                ---------- Forwarded message ---------
                From: ISAC X <alerts@isac.example>
                Subject: Bulletin
                """);
        TriageDecision d = decide(TlpPolicy.OFF, null, inline);
        assertThat(d.report().authorName()).isEqualTo("ISAC X");
        assertThat(d.report().originalSender().address()).isEqualTo("alerts@isac.example");

        Envelope attached = Envelope.builder().source(EnvelopeFixtures.source("att")).subject("FW: vendor news")
                .from(EmailAddress.of("analyst@corp.example")).originalSender(EmailAddress.of("intel@vendor.example"))
                .receivedAt(Instant.parse("2025-05-09T10:11:12Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH)
                .build();
        assertThat(decide(TlpPolicy.OFF, null, attached).report().authorName()).isEqualTo("Vendor Inc");
    }
}
