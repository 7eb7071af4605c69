package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.model.EnvelopeFixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BundleValidatorTest {

    private static ObjectNode validBundle() {
        return new ReportBuilder(ReportOptions.defaults(), Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC))
                .build(EnvelopeFixtures.advisory("m1")).json().deepCopy();
    }

    private static ObjectNode report(ObjectNode bundle) {
        return (ObjectNode) bundle.get("objects").get(2);
    }

    private static java.util.List<String> problemsAfter(Consumer<ObjectNode> change) {
        ObjectNode bundle = validBundle();
        change.accept(bundle);
        return BundleValidator.problems(bundle);
    }

    @Test
    void aBuiltBundleIsValid() throws Exception {
        BundleValidator.validate(validBundle());
    }

    @Test
    void missingRequiredReportPropertiesAreReported() {
        assertThat(problemsAfter(b -> report(b).remove("published"))).anyMatch(p -> p.contains("published"));
        assertThat(problemsAfter(b -> report(b).put("name", ""))).anyMatch(p -> p.contains("name"));
    }

    @Test
    void aReportWithoutObjectRefsIsValidAsOpenCtiAcceptsIt() {
        assertThat(problemsAfter(b -> report(b).remove("object_refs"))).isEmpty();
    }

    @Test
    void reportNamesOpenCtiRefusesAreReported() {
        for (String refused : new String[] {"?", "1", "\u00A0\u00A0", "\u3000", "\uD83C\uDFA3"}) {
            assertThat(problemsAfter(b -> report(b).put("name", refused))).as("name %s", refused)
                    .anyMatch(p -> p.contains("OpenCTI refuses the name") || p.contains("missing required property name"));
        }
        assertThat(problemsAfter(b -> report(b).put("name", "ab"))).isEmpty();
    }

    @Test
    void malformedIdsAreReported() {
        assertThat(problemsAfter(b -> report(b).put("id", "report--not-a-uuid"))).anyMatch(p -> p.contains("type--UUID"));
        assertThat(problemsAfter(b -> report(b).put("id", "identity--f6cec5a0-1d11-505a-a68e-2577e51c124d")))
                .anyMatch(p -> p.contains("does not match type"));
        assertThat(problemsAfter(b -> b.put("id", "bundle-123"))).isNotEmpty();
    }

    @Test
    void malformedTimestampsAreReported() {
        assertThat(problemsAfter(b -> report(b).put("published", "2025-05-09 10:11:12"))).anyMatch(p -> p.contains("published"));
        assertThat(problemsAfter(b -> report(b).put("created", "2025-05-09T10:11:12+02:00"))).anyMatch(p -> p.contains("created"));
        assertThat(problemsAfter(b -> report(b).put("modified", "2025-13-40T10:11:12Z"))).anyMatch(p -> p.contains("modified"));
    }

    @Test
    void modifiedBeforeCreatedIsReported() {
        assertThat(problemsAfter(b -> report(b).put("modified", "2000-01-01T00:00:00.000Z")))
                .anyMatch(p -> p.contains("modified is before created"));
    }

    @Test
    void referencesMustResolveInsideTheBundle() {
        assertThat(problemsAfter(b -> ((ArrayNode) b.get("objects")).remove(0)))
                .anyMatch(p -> p.contains("created_by_ref") && p.contains("does not resolve"));
        assertThat(problemsAfter(b -> ((ArrayNode) b.get("objects")).remove(1)))
                .anyMatch(p -> p.contains("object_marking_refs") && p.contains("does not resolve"));
    }

    @Test
    void markingRefsInsideFilesMustResolveToo() {
        assertThat(problemsAfter(b -> ((ObjectNode) report(b).get("x_opencti_files").get(0)).putArray("object_marking_refs")
                .add(Tlp.RED.markingId()))).anyMatch(p -> p.contains(Tlp.RED.markingId()));
    }

    @Test
    void wrongSpecVersionAndDuplicateIdsAreReported() {
        assertThat(problemsAfter(b -> report(b).put("spec_version", "2.0"))).anyMatch(p -> p.contains("spec_version"));
        assertThat(problemsAfter(b -> ((ArrayNode) b.get("objects")).add(b.get("objects").get(0).deepCopy())))
                .anyMatch(p -> p.contains("duplicate id"));
    }

    @Test
    void externalReferencesNeedASourceName() {
        assertThat(problemsAfter(b -> report(b).putArray("external_references").addObject().put("external_id", "x")))
                .anyMatch(p -> p.contains("source_name"));
    }

    @Test
    void emptyBundleIsInvalidAndValidateThrows() {
        ObjectNode b = validBundle();
        b.putArray("objects");
        assertThatThrownBy(() -> BundleValidator.validate(b)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("no objects");
    }

    private static ObjectNode file(ObjectNode bundle) {
        return (ObjectNode) report(bundle).get("x_opencti_files").get(0);
    }

    @Test
    void fileNamesMustBeSafe() {
        for (String bad : new String[] {"../x.pdf", "a\\b.pdf", ".hidden", "nul\u0000.pdf", "rtl\u202Efdp.exe",
                "line\u2028break", "C:x", " "}) {
            assertThat(problemsAfter(b -> file(b).put("name", bad))).as(bad).anyMatch(p -> p.contains("file"));
        }
        assertThat(problemsAfter(b -> file(b).put("name", "rapport été 🎣 (2).pdf"))).isEmpty();
    }

    @Test
    void fileNamesMustBeUniqueIgnoringCase() {
        assertThat(problemsAfter(b -> {
            ArrayNode files = (ArrayNode) report(b).get("x_opencti_files");
            files.add(files.get(0).deepCopy()).get(1);
            ((ObjectNode) files.get(1)).put("name", files.get(0).get("name").asText().toUpperCase());
        })).anyMatch(p -> p.contains("ignoring case"));
    }

    @Test
    void filesNeedDataAndAType() {
        assertThat(problemsAfter(b -> file(b).remove("data"))).anyMatch(p -> p.contains("no data"));
        assertThat(problemsAfter(b -> file(b).put("mime_type", ""))).anyMatch(p -> p.contains("MIME type"));
        assertThat(problemsAfter(b -> report(b).put("x_opencti_files", "x"))).anyMatch(p -> p.contains("must be a list"));
    }
}
