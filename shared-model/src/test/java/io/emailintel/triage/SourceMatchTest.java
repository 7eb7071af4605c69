package io.emailintel.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeSource;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class SourceMatchTest {

    private static final Rules RULES = rules("""
            - {name: partner-feed, match: {source: "partner-*"}, tlp: green, labels: partner}
            - {name: drop-noise, match: {source: drop, subject: test}, skip: true}
            - {name: classic, match: {source: default}, labels: classic}
            """);

    private static Rules rules(String yaml) {
        try {
            return RulesParser.parse(new Yaml().load(yaml));
        } catch (RulesException e) {
            throw new AssertionError(e.problems());
        }
    }

    private static Envelope from(String sourceName, String subject) {
        return Envelope.builder()
                .source(new EnvelopeSource("graph", "cti@corp.example", "Inbox", "id-" + subject, "", sourceName))
                .subject(subject).from(EmailAddress.of("a@vendor.example"))
                .receivedAt(Instant.parse("2026-11-01T00:00:00Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH).build();
    }

    @Test
    void aRuleMatchesTheFetchersNameForTheSourceByGlob() {
        assertThat(RULES.matching(MailFacts.of(from("partner-imap", "advisory"))))
                .extracting(Rule::name).containsExactly("partner-feed");
        assertThat(RULES.matching(MailFacts.of(from("soc", "advisory")))).isEmpty();
        assertThat(RULES.skippedBy(MailFacts.of(from("drop", "a test mail")))).map(Rule::name).contains("drop-noise");
        assertThat(RULES.skippedBy(MailFacts.of(from("soc", "a test mail")))).isEmpty();
    }

    @Test
    void theClassicSourceAndEnvelopesWithoutANameAreTheDefaultSource() {
        assertThat(RULES.matching(MailFacts.of(from("default", "x")))).extracting(Rule::name)
                .containsExactly("classic");
        assertThat(RULES.matching(MailFacts.of(from("", "x")))).as("an envelope from before 1.2")
                .extracting(Rule::name).containsExactly("classic");
    }

    @Test
    void listingFactsWithoutTheSourceLeaveASourceRuleUndecidedUntilTheSourceIsKnown() {
        MailFacts listing = new MailFacts(EmailAddress.of("a@b.example"), null, List.of(), "a test mail", List.of(),
                List.of(), Set.of(MailFacts.Field.SENDER, MailFacts.Field.SUBJECT));
        assertThat(RULES.skippedBy(listing)).isEmpty();
        assertThat(RULES.skippedBy(listing.fromSource("drop"))).map(Rule::name).contains("drop-noise");
    }
}
