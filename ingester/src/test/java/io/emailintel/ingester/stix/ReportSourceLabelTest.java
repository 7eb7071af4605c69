package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.model.EnvelopeSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class ReportSourceLabelTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T08:00:00Z"), ZoneOffset.UTC);
    private final ReportBuilder builder = new ReportBuilder(ReportOptions.defaults(), CLOCK);

    private static JsonNode report(StixBundle bundle) {
        return StreamSupport.stream(bundle.objects().spliterator(), false)
                .filter(o -> o.get("type").asText().equals("report")).findFirst().orElseThrow();
    }

    private static List<String> labels(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("labels").forEach(l -> out.add(l.asText()));
        return out;
    }

    @Test
    void aReportFromAListedSourceIsLabelledWithItsNameAfterTheRulesLabels() {
        Envelope envelope = EnvelopeFixtures.advisory("m1").withSourceName("partner-imap");
        ReportDecision decision = ReportDecision.defaults(builder.options());
        ReportDecision labelled = new ReportDecision(decision.authorName(), "", List.of(), decision.tlp(), null,
                List.of("isac"), decision.reportTypes(), null);
        JsonNode report = report(builder.build(envelope, labelled));
        assertThat(labels(report)).containsExactly("isac", "source:partner-imap");
        assertThat(labels(report(builder.build(envelope)))).containsExactly("source:partner-imap");
    }

    @Test
    void theNameChangesNoIdAndTheClassicSourceGetsNoLabel() {
        Envelope unnamed = EnvelopeFixtures.advisory("m1");
        StixBundle before = builder.build(unnamed);
        StixBundle classic = builder.build(unnamed.withSourceName(EnvelopeSource.DEFAULT_NAME));
        assertThat(classic.toJson()).as("a classic fetcher's report is what it was before sources had names")
                .isEqualTo(before.toJson());
        assertThat(report(before).has("labels")).isFalse();
        StixBundle listed = builder.build(unnamed.withSourceName("soc"));
        assertThat(listed.reportId()).isEqualTo(before.reportId());
        assertThat(report(listed).get("id")).isEqualTo(report(before).get("id"));
    }
}
