package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.config.Config;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.triage.Triage;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A configuration without rules produces exactly the reports of the code before triage existed. The golden
 * bundles were written by that code for these three envelopes: {@code ReportBuilder.build} as of the report
 * shape of issue 12 (no {@code object_refs}, the Message-ID in the description; branch {@code platform},
 * before triage was merged).
 */
class NoRulesSameReportsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T08:00:00Z"), ZoneOffset.UTC);

    static List<Envelope> envelopes() {
        Envelope.Builder noSubject = Envelope.builder().source(EnvelopeFixtures.source("m2"))
                .from(new EmailAddress("Alerts", "alerts@isac.example"))
                .receivedAt(Instant.parse("2025-05-09T10:11:12.250Z"))
                .body(new EnvelopeBody("text", "Indicators below.\n1.2.3.4"))
                .fetchCycleId("c1").fetchedAt(Instant.parse("2025-05-09T10:15:00Z"));
        Envelope.Builder files = Envelope.builder().source(EnvelopeFixtures.source("m3"))
                .subject("Weekly report [vendor]").from(EmailAddress.of("intel@vendor.example"))
                .receivedAt(Instant.parse("2025-05-10T00:00:00Z"))
                .body(new EnvelopeBody("html", "<p>Hello <a href='https://x.example'>x</a></p>"))
                .attachment(EnvelopeAttachment.of("iocs.csv", "text/csv", false, AttachmentKind.FILE,
                        "ip\n1.2.3.4\n".getBytes(StandardCharsets.UTF_8)))
                .skipped(new SkippedAttachment("big.zip", "application/zip", 99, SkipReason.NOT_ALLOWED, ""))
                .fetchCycleId("c1").fetchedAt(Instant.parse("2025-05-10T00:00:01Z"));
        return List.of(EnvelopeFixtures.advisory("m1"), noSubject.build(), files.build());
    }

    private static List<String> golden() throws Exception {
        try (InputStream in = NoRulesSameReportsTest.class.getResourceAsStream("/triage/no-rules-golden.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void withoutRulesTheDefaultConfigurationWritesTodaysBundlesByteForByte() throws Exception {
        // the default TLP policy (raise) is on: these e-mails carry no marker, so nothing may change
        Config config = new ConfigOptions().load(IngesterSettings.schema(), Map.of("INGESTER_OUTPUT", "dir:/tmp/x"));
        ReportOptions options = Ingester.reportOptions(config);
        Triage triage = Ingester.triage(config, options);
        ReportBuilder builder = new ReportBuilder(options, CLOCK);
        List<String> now = new ArrayList<>();
        for (Envelope e : envelopes()) {
            now.add(builder.build(e, triage.decide(e).report()).json().toString());
        }
        assertThat(now).containsExactlyElementsOf(golden());
    }
}
