package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Id test vectors computed independently of this code: the id contributing properties written by hand as
 * RFC 8785 canonical JSON (keys sorted, no spaces), then Python's
 * {@code uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"), '{"value":"203.0.114.7"}')} — the
 * STIX 2.1 SCO namespace (§2.9) and pycti's, which are the same UUID.
 */
class ObservableObjectsTest {

    private static final String AUTHOR = "identity--f6cec5a0-1d11-505a-a68e-2577e51c124c";
    private static final String MARKING = "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37";
    private static final Instant PUBLISHED = Instant.parse("2025-05-09T10:11:12Z");
    private static final Instant NOW = Instant.parse("2025-06-01T08:00:00Z");

    private static List<ObjectNode> objects(ExtractMode mode, Observable... found) {
        return ObservableObjects.of(new Extraction(List.of(found), 0, false), mode, AUTHOR, MARKING, PUBLISHED, NOW);
    }

    @Test
    void observablesGetTheSpecsDeterministicIds() {
        assertThat(ObservableObjects.scoId(new Observable(ObservableType.IPV4, "203.0.114.7")))
                .isEqualTo("ipv4-addr--acc7b367-a580-55ba-9a3f-bf79c1961205");
        assertThat(ObservableObjects.scoId(new Observable(ObservableType.DOMAIN, "evil-updates.net")))
                .isEqualTo("domain-name--77a447c4-0450-5a3f-957a-b7e406f1f9f9");
        assertThat(ObservableObjects.scoId(new Observable(ObservableType.EMAIL, "bob@payro11-update.com")))
                .isEqualTo("email-addr--3a2a4ad8-269a-5e46-a14b-3c3bb1a4cafa");
        // {"hashes":{"SHA-256":"9f86…"}}
        assertThat(ObservableObjects.scoId(new Observable(ObservableType.SHA256,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")))
                .isEqualTo("file--a7928fbf-e7c8-52e1-9d22-c8c4d008ad01");
    }

    @Test
    void vulnerabilitiesIndicatorsAndRelationshipsGetPyctisIds() {
        List<ObjectNode> cve = objects(ExtractMode.INDICATORS, new Observable(ObservableType.CVE, "CVE-2024-3400"));
        // {"name":"cve-2024-3400"}; a CVE gets no indicator
        assertThat(cve).extracting(o -> o.get("id").asText())
                .containsExactly("vulnerability--e74825ea-54e6-5e31-92f9-a991838a0932");
        assertThat(cve.get(0).get("name").asText()).isEqualTo("CVE-2024-3400");

        List<ObjectNode> domain = objects(ExtractMode.INDICATORS, new Observable(ObservableType.DOMAIN, "evil-updates.net"));
        assertThat(domain).extracting(o -> o.get("type").asText()).containsExactly("domain-name", "indicator", "relationship");
        ObjectNode indicator = domain.get(1);
        assertThat(indicator.get("pattern").asText()).isEqualTo("[domain-name:value = 'evil-updates.net']");
        // {"pattern":"[domain-name:value = 'evil-updates.net']"}
        assertThat(indicator.get("id").asText()).isEqualTo("indicator--9a34ac7e-062d-5870-b787-23ba27acf424");
        assertThat(indicator.get("x_opencti_main_observable_type").asText()).isEqualTo("Domain-Name");
        ObjectNode relationship = domain.get(2);
        // {"relationship_type":"based-on","source_ref":"indicator--9a34…","target_ref":"domain-name--77a4…"}
        assertThat(relationship.get("id").asText()).isEqualTo("relationship--0ff3a6cd-ad7c-58dc-9c07-1e1f0a7cc4c0");
        assertThat(relationship.get("source_ref").asText()).isEqualTo(indicator.get("id").asText());
        assertThat(relationship.get("target_ref").asText()).isEqualTo(domain.get(0).get("id").asText());
    }

    @Test
    void everyObjectCarriesTheReportsMarkingAndAuthor() {
        List<ObjectNode> all = objects(ExtractMode.INDICATORS, new Observable(ObservableType.IPV4, "203.0.114.7"),
                new Observable(ObservableType.CVE, "CVE-2024-3400"));
        for (ObjectNode o : all) {
            assertThat(o.get("object_marking_refs").toString()).isEqualTo("[\"" + MARKING + "\"]");
            String author = o.has("created_by_ref") ? o.get("created_by_ref").asText()
                    : o.get("x_opencti_created_by_ref").asText();
            assertThat(author).isEqualTo(AUTHOR);
        }
        assertThat(all.get(0).has("created_by_ref")).as("SCOs have no created_by_ref in STIX 2.1").isFalse();
    }

    @Test
    void patternLiteralsAreEscaped() {
        assertThat(ObservableObjects.pattern(new Observable(ObservableType.URL, "http://evil.com/a'b\\c")))
                .isEqualTo("[url:value = 'http://evil.com/a\\'b\\\\c']");
        assertThat(ObservableObjects.pattern(new Observable(ObservableType.SHA1, "ab")))
                .isEqualTo("[file:hashes.'SHA-1' = 'ab']");
    }

    @Test
    void observablesModeMakesNoIndicators() {
        assertThat(objects(ExtractMode.OBSERVABLES, new Observable(ObservableType.IPV4, "203.0.114.7")))
                .extracting(o -> o.get("type").asText()).containsExactly("ipv4-addr");
    }
}
