package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values computed with Python's uuid.uuid5 over pycti's canonical JSON. */
class StixIdsTest {

    @Test
    void designVectorIdentityMatchesPycti() {
        assertThat(StixIds.organizationId("Email Intel Microsoft"))
                .isEqualTo("identity--f6cec5a0-1d11-505a-a68e-2577e51c124c");
    }

    @Test
    void designVectorReportAtMidnightMatchesPycti() {
        assertThat(StixIds.reportId("test report", Instant.parse("2025-05-09T00:00:00Z")))
                .isEqualTo("report--b0caa55e-4863-586e-a34a-8fab9778d85d");
    }

    @Test
    void designVectorNonAsciiReportMatchesPycti() {
        assertThat(StixIds.reportId("réunion été", Instant.parse("2025-05-09T10:11:12Z")))
                .isEqualTo("report--30c60cec-ba0f-511d-851e-bb562f1974ac");
    }

    @ParameterizedTest
    @CsvSource({
        "2025-05-09T10:11:12.500Z, report--6c4c98b9-ad74-5a7f-8c13-e8f980e8962c",
        "2025-05-09T10:11:12.123456Z, report--452bcde7-88d4-5257-b76d-3d52a1b0b41d",
        // Python keeps microseconds only: the nanoseconds must not change the id
        "2025-05-09T10:11:12.123456789Z, report--452bcde7-88d4-5257-b76d-3d52a1b0b41d"})
    void fractionalSecondsAreWrittenAsPythonMicroseconds(String published, String expected) {
        assertThat(StixIds.reportId("test report", Instant.parse(published))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(value = {"'  Test Report \t\n'", "TEST REPORT", "'\u00a0Test Report\u2003'"})
    void nameIsLowerCasedAndStrippedLikePython(String name) {
        assertThat(StixIds.reportId(name, Instant.parse("2025-05-09T00:00:00Z")))
                .isEqualTo("report--b0caa55e-4863-586e-a34a-8fab9778d85d");
    }

    @Test
    void nonBmpCharactersAreHashedAsUtf8() {
        assertThat(StixIds.reportId("Phish 🎣 alert 𝔘", Instant.parse("2025-05-09T10:11:12Z")))
                .isEqualTo("report--311697a3-e924-5b59-a073-d8b92ffe64b5");
    }

    @Test
    void cjkCharactersStayUnescaped() {
        assertThat(StixIds.reportId("警告: 攻撃", Instant.parse("2025-05-09T10:11:12Z")))
                .isEqualTo("report--c65e3d5f-1285-5801-886b-aa75aa3c745e");
    }

    @Test
    void quotesAndBackslashesAreEscapedCanonically() {
        assertThat(StixIds.reportId("He said \"hi\" \\ back", Instant.parse("2025-05-09T10:11:12Z")))
                .isEqualTo("report--242bd647-6368-5204-b816-40f470f92dd4");
    }

    @Test
    void identityNameIsNormalised() {
        assertThat(StixIds.organizationId("  ACME CERT ")).isEqualTo("identity--f1252f7b-d79f-5fa0-a0a8-f257c6d774c0");
    }

    @Test
    void uuid5MatchesTheRfcExample() {
        // RFC 4122 / Python: uuid5(NAMESPACE_DNS, 'python.org')
        assertThat(StixIds.uuid5(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org"))
                .hasToString("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    }

    @Test
    void pythonIsoFormatOmitsAZeroFraction() {
        assertThat(StixIds.pythonIsoFormat(Instant.parse("2025-05-09T10:11:12Z"))).isEqualTo("2025-05-09T10:11:12+00:00");
        assertThat(StixIds.pythonIsoFormat(Instant.parse("2025-05-09T10:11:12.000001Z")))
                .isEqualTo("2025-05-09T10:11:12.000001+00:00");
    }

    @Test
    void canonicalJsonSortsKeysByCodeUnitsAndEscapesControlCharacters() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("published", "x");
        o.put("name", "a\u0001\n");
        o.put("\u00e9", 1);
        o.put("B", true);
        assertThat(CanonicalJson.canonicalize(o)).isEqualTo("{\"B\":true,\"name\":\"a\\u0001\\n\",\"published\":\"x\",\"é\":1}");
    }
}
