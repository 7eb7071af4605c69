package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistrationTest {

    private final Registration.PushBroker announced =
            new Registration.PushBroker("rabbitmq", 5672, "/", false, "opencti", "platform-secret");

    @Test
    void operatorOverridesWinOverWhatThePlatformAnnounces() {
        Registration.PushBroker b = announced.override("mq.example.org", 5671, "octi", true, "connector", "pw");
        assertThat(b).isEqualTo(new Registration.PushBroker("mq.example.org", 5671, "octi", true, "connector", "pw"));
    }

    @Test
    void unsetOverridesKeepTheAnnouncedValues() {
        assertThat(announced.override(null, null, null, null, null, null)).isEqualTo(announced);
        assertThat(announced.override("h", null, null, null, null, null).port()).isEqualTo(5672);
    }

    @Test
    void thePasswordIsNeverShown() {
        assertThat(announced.toString()).doesNotContain("platform-secret").contains("rabbitmq:5672");
    }
}
