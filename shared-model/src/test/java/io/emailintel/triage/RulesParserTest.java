package io.emailintel.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class RulesParserTest {

    private static List<String> problems(String yaml) {
        try {
            RulesParser.parse(new Yaml().load(yaml));
        } catch (RulesException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems");
    }

    @Test
    void readsEveryAction() throws Exception {
        Rules r = RulesParser.parse(new Yaml().load("""
                rules:
                  - name: fs-isac
                    match: {from: "*@fsisac.example"}
                    author: {name: FS-ISAC, description: Financial sector ISAC, sectors: [financial-services]}
                    tlp: "TLP:AMBER+STRICT"
                    labels: isac
                    report_types: [threat-report, internal-report]
                  - {name: noise, match: {subject: unsubscribe}, skip: true}
                """));
        RuleActions a = r.rules().get(0).actions();
        assertThat(a.author()).isEqualTo(new Author("FS-ISAC", "Financial sector ISAC", List.of("financial-services")));
        assertThat(a.tlp()).isEqualTo("amber+strict");
        assertThat(a.labels()).containsExactly("isac");
        assertThat(a.reportTypes()).containsExactly("threat-report", "internal-report");
        assertThat(a.skip()).isNull();
        assertThat(r.rules().get(1).actions().skip()).isTrue();
    }

    @Test
    void misspeltKeysAreProblemsNotCatchAllRules() {
        assertThat(problems("[{name: a, match: {form: x@y.example}, tlp: red}]"))
                .containsExactly("rule 1 (a): match: unknown key 'form', expected one of attachment_types, from, "
                        + "header, original_from, source, subject, to");
    }

    @Test
    void everyProblemNamesTheRuleTheFieldAndWhatWasExpected() {
        assertThat(problems("""
                - {name: a, match: {subject: "(unclosed"}, tlp: purple}
                - {match: {from: x}, labels: [a]}
                - {name: a, labels: [b]}
                - {name: c}
                - {name: d, skip: true, tlp: red}
                - {name: e, match: {header: List-Id}, skip: maybe}
                """)).containsExactly(
                "rule 1 (a): match.subject: expected a regular expression (Java syntax): Unclosed group near index 9 "
                        + "of '(unclosed'",
                "rule 1 (a): tlp: expected one of clear, white, green, amber, amber+strict, red, got 'purple'",
                "rule 2: name: expected a non-empty string",
                "rule 3 (a): name: expected a name no other rule has",
                "rule 4 (c): expected at least one action (author, tlp, labels, report_types, skip)",
                "rule 5 (d): skip: true leaves no report to shape; expected skip alone",
                "rule 6 (e): match.header: expected a mapping of header name to regular expression, e.g. "
                        + "{List-Id: \"alerts\\\\.example\\\\.org\"}",
                "rule 6 (e): skip: expected true or false, got 'maybe'");
    }

    @Test
    void notAListIsAProblem() {
        assertThatThrownBy(() -> RulesParser.parse("just text")).isInstanceOf(RulesException.class)
                .hasMessageContaining("expected a list of rules");
    }

    @Test
    void nothingIsNoRules() throws Exception {
        assertThat(RulesParser.parse(null).isEmpty()).isTrue();
    }
}
