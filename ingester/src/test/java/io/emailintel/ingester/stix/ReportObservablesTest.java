package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.emailintel.ingester.observables.Exclusions;
import io.emailintel.ingester.observables.ExtractMode;
import io.emailintel.ingester.observables.Extractor;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeFixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The report with extraction on: what it contains, and that off changes nothing. */
class ReportObservablesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T08:00:00Z"), ZoneOffset.UTC);
    private static final String BODY = "C2 45.61.136[.]12 and hxxps://cdn-update-checker[.]net/dl, CVE-2024-3400, "
            + "sha256 d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592, from bob@payro11-update.com";

    private static Envelope advisory() {
        return Envelope.builder().source(EnvelopeFixtures.source("m1")).subject("Advisory")
                .from(EmailAddress.of("alerts@cert-bulletins.org")).receivedAt(Instant.parse("2025-05-09T10:11:12Z"))
                .body(new EnvelopeBody(EnvelopeBody.TEXT, BODY)).fetchCycleId("c1")
                .fetchedAt(Instant.parse("2025-05-09T10:15:00Z")).build();
    }

    private static ReportBuilder builder(ExtractMode mode) {
        return new ReportBuilder(ReportOptions.defaults(), CLOCK,
                new Extractor(mode, Exclusions.defaults(), Extractor.DEFAULT_CAP));
    }

    private static JsonNode report(StixBundle bundle) {
        return StreamSupport.stream(bundle.objects().spliterator(), false)
                .filter(o -> o.get("type").asText().equals("report")).findFirst().orElseThrow();
    }

    @Test
    void byDefaultTheBundleIsExactlyTheOneWithoutExtraction() {
        String today = new ReportBuilder(ReportOptions.defaults(), CLOCK).build(advisory()).toJson();
        assertThat(builder(ExtractMode.OFF).build(advisory()).toJson()).isEqualTo(today);
        assertThat(new ReportBuilder(ReportOptions.defaults(), CLOCK, Extractor.off()).build(advisory()).toJson())
                .isEqualTo(today);
        assertThat(today).doesNotContain("ipv4-addr").doesNotContain("45.61.136.12");
    }

    @Test
    void extractedObservablesAreObjectsOfTheBundleThatTheReportContains() {
        StixBundle bundle = builder(ExtractMode.OBSERVABLES).build(advisory());
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
        assertThat(bundle.objects()).extracting(o -> o.get("type").asText()).containsExactly("identity",
                "marking-definition", "report", "ipv4-addr", "url", "vulnerability", "file", "email-addr");
        Set<String> refs = new HashSet<>();
        report(bundle).get("object_refs").forEach(r -> refs.add(r.asText()));
        Set<String> extracted = new HashSet<>();
        StreamSupport.stream(bundle.objects().spliterator(), false).skip(3).forEach(o -> extracted.add(o.get("id").asText()));
        assertThat(refs).isEqualTo(extracted);
    }

    @Test
    void indicatorsModeAddsIndicatorsBasedOnTheObservables() {
        StixBundle bundle = builder(ExtractMode.INDICATORS).build(advisory());
        assertThat(BundleValidator.problems(bundle.json())).isEmpty();
        List<String> types = StreamSupport.stream(bundle.objects().spliterator(), false)
                .map(o -> o.get("type").asText()).toList();
        assertThat(types.stream().filter("indicator"::equals).count()).isEqualTo(4); // not for the CVE
        assertThat(types.stream().filter("relationship"::equals).count()).isEqualTo(4);
        assertThat(report(bundle).get("object_refs")).hasSize(5 + 8);
    }

    @Test
    void anE_mailWithoutObservablesKeepsTodaysReport() {
        Envelope plain = EnvelopeFixtures.advisory("m1");
        assertThat(builder(ExtractMode.INDICATORS).build(plain).toJson().replaceAll("\"modified\":\"[^\"]*\"", ""))
                .isEqualTo(new ReportBuilder(ReportOptions.defaults(), CLOCK).build(plain).toJson()
                        .replaceAll("\"modified\":\"[^\"]*\"", ""));
    }

    @Test
    void theValidatorRejectsAnObservableThatIsNotInTheBundle() {
        StixBundle bundle = builder(ExtractMode.OBSERVABLES).build(advisory());
        bundle.objects().remove(3);
        assertThat(BundleValidator.problems(bundle.json())).anyMatch(p -> p.contains("does not resolve"));
    }
}
