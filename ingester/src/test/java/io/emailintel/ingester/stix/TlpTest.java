package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlpTest {

    @ParameterizedTest
    @CsvSource({
        "clear, marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "white, marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "green, marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "amber, marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        "amber+strict, marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
        "AMBER+STRICT, marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
        "red, marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"})
    void everyLevelHasItsFixedMarkingId(String level, String id) {
        assertThat(Tlp.fromSetting(level).markingId()).isEqualTo(id);
        assertThat(Tlp.fromSetting(level).definition().get("id").asText()).isEqualTo(id);
    }

    @Test
    void amberStrictIsOpenCtisCustomStatementMarking() {
        ObjectNode m = Tlp.AMBER_STRICT.definition();
        assertThat(m.get("definition_type").asText()).isEqualTo("statement");
        assertThat(m.get("x_opencti_definition_type").asText()).isEqualTo("TLP");
        assertThat(m.get("x_opencti_definition").asText()).isEqualTo("TLP:AMBER+STRICT");
    }

    @Test
    void standardLevelsAreStixTlpMarkings() {
        ObjectNode m = Tlp.GREEN.definition();
        assertThat(m.get("definition_type").asText()).isEqualTo("tlp");
        assertThat(m.get("definition").get("tlp").asText()).isEqualTo("green");
        assertThat(m.get("created").asText()).isEqualTo("2017-01-20T00:00:00.000Z");
    }

    @Test
    void unknownLevelIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> Tlp.fromSetting("purple")).hasMessageContaining("purple").hasMessageContaining("amber+strict");
    }
}
