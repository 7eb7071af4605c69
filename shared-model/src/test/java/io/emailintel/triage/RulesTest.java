package io.emailintel.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.EnvelopeHeader;
import io.emailintel.triage.MailFacts.Field;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class RulesTest {

    private static Rules rules(String yaml) throws RulesException {
        return RulesParser.parse(new Yaml().load(yaml));
    }

    private static MailFacts mail(String from, String subject) {
        return new MailFacts(EmailAddress.of(from), null, List.of(EmailAddress.of("cti@corp.example")), subject,
                List.of(new EnvelopeHeader("List-Id", "FS-ISAC Alerts <alerts.fsisac.example>")),
                List.of("application/pdf"), EnumSet.allOf(Field.class));
    }

    @Test
    void senderGlobMatchesAddressAndBareDomainMatchesTheDomainOnly() throws Exception {
        Rules r = rules("""
                - {name: exact, match: {from: "alerts@isac.example"}, tlp: amber}
                - {name: domain, match: {from: "vendor.example"}, tlp: green}
                - {name: sub, match: {from: "*.cert.example"}, tlp: red}
                """);
        assertThat(r.matching(mail("ALERTS@isac.example", "x")).stream().map(Rule::name)).containsExactly("exact");
        assertThat(r.matching(mail("news@vendor.example", "x")).stream().map(Rule::name)).containsExactly("domain");
        assertThat(r.matching(mail("news@badvendor.example", "x"))).isEmpty();
        assertThat(r.matching(mail("a@mail.cert.example", "x")).stream().map(Rule::name)).containsExactly("sub");
    }

    @Test
    void everyPartOfAMatchMustHoldAndAnyValueOfAListMay() throws Exception {
        Rules r = rules("""
                - name: isac-pdf
                  match:
                    from: ["*@isac.example", "*@partner.example"]
                    subject: "bulletin|advisory"
                    header: {list-id: "alerts\\\\.fsisac"}
                    attachment_types: ["application/*"]
                    to: ["cti@*"]
                  labels: [isac]
                """);
        assertThat(r.matching(mail("a@partner.example", "Weekly ADVISORY 12"))).hasSize(1);
        assertThat(r.matching(mail("a@partner.example", "Weekly newsletter"))).isEmpty();
        assertThat(r.matching(mail("a@other.example", "advisory"))).isEmpty();
    }

    @Test
    void aRuleWithoutMatchMatchesEveryEmail() throws Exception {
        assertThat(rules("[{name: all, labels: [email]}]").matching(mail("x@y.example", ""))).hasSize(1);
    }

    @Test
    void fromMeansTheOriginalSenderOfAForwardAndOriginalFromNeverMatchesPlainMail() throws Exception {
        Rules r = rules("""
                - {name: by-sender, match: {from: "isac.example"}, tlp: amber}
                - {name: forwarded-only, match: {original_from: "isac.example"}, labels: [forwarded]}
                """);
        MailFacts forward = new MailFacts(EmailAddress.of("analyst@corp.example"), EmailAddress.of("a@isac.example"),
                List.of(), "Fwd: x", List.of(), List.of(), EnumSet.allOf(Field.class));
        assertThat(r.matching(forward).stream().map(Rule::name)).containsExactly("by-sender", "forwarded-only");
        assertThat(r.matching(mail("a@isac.example", "x")).stream().map(Rule::name)).containsExactly("by-sender");
        assertThat(r.matching(mail("analyst@corp.example", "x"))).isEmpty();
    }

    @Test
    void missingHeaderDoesNotMatch() throws Exception {
        Rules r = rules("[{name: news, match: {header: {List-Unsubscribe: \".\"}}, skip: true}]");
        assertThat(r.matching(mail("a@b.example", "x"))).isEmpty();
    }

    @Test
    void skipIsDecidedByTheFirstMatchingRuleThatSaysSkip() throws Exception {
        Rules r = rules("""
                - {name: keep-partner, match: {from: "partner.example"}, skip: false}
                - {name: newsletters, match: {subject: "newsletter"}, skip: true}
                """);
        assertThat(r.skippedBy(mail("a@partner.example", "Newsletter"))).isEmpty();
        assertThat(r.skippedBy(mail("a@other.example", "Newsletter"))).map(Rule::name).contains("newsletters");
        assertThat(r.skippedBy(mail("a@other.example", "Advisory"))).isEmpty();
    }

    @Test
    void skipNeedingAnUnknownFieldIsLeftUndecided() throws Exception {
        Rules r = rules("""
                - {name: lists, match: {header: {List-Id: "."}}, skip: true}
                - {name: spam, match: {subject: "win a prize"}, skip: true}
                """);
        MailFacts listing = new MailFacts(EmailAddress.of("a@b.example"), null, List.of(), "Win a prize", List.of(),
                List.of(), Set.of(Field.SENDER, Field.RECIPIENTS, Field.SUBJECT));
        // the header rule comes first and cannot be decided from the listing: the ingester decides
        assertThat(r.skippedBy(listing)).isEmpty();
        Rules subjectFirst = new Rules(List.of(r.rules().get(1), r.rules().get(0)));
        assertThat(subjectFirst.skippedBy(listing)).map(Rule::name).contains("spam");
    }

    @Test
    void noRulesDecideNothing() {
        assertThat(Rules.none().matching(mail("a@b.example", "x"))).isEmpty();
        assertThat(Rules.none().skippedBy(mail("a@b.example", "x"))).isEmpty();
        assertThat(new RuleMatch(List.of(), List.of(), List.of(), null, Map.of(), List.of()).fields()).isEmpty();
    }
}
