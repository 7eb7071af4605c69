package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.ParameterList;
import org.junit.jupiter.api.Test;

class MimeLeniencyTest {

    @Test
    void theReaderSetsEveryLenientSwitchBeforeJakartaMailReadsThem() throws Exception {
        new MimeMessageReader();
        MimeLeniency.SYSTEM_PROPERTIES.forEach((key, value) ->
                assertThat(System.getProperty(key)).as(key).isEqualTo(value));
        // the switch took effect in Jakarta Mail itself (it is read once, in ParameterList's static initialiser)
        assertThat(new ParameterList("; name=Threat Report Q4.pdf").get("name")).isEqualTo("Threat Report Q4.pdf");
    }
}
