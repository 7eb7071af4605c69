package io.emailintel.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrokerUriTest {

    @Test
    void parsesCredentialsHostPortAndEncodedVhost() {
        BrokerUri uri = BrokerUri.parse("amqp://svc%40cti:p%2Fss@rabbit.local:5673/cti%2Fprod");
        assertThat(uri.username()).isEqualTo("svc@cti");
        assertThat(uri.virtualHost()).isEqualTo("cti/prod");
        assertThat(uri.addresses()).singleElement().satisfies(a -> {
            assertThat(a.getHost()).isEqualTo("rabbit.local");
            assertThat(a.getPort()).isEqualTo(5673);
        });
        assertThat(uri.tls()).isFalse();
    }

    @Test
    void defaultVhostIsSlashAndDefaultPortsFollowTheScheme() {
        assertThat(BrokerUri.parse("amqp://localhost").virtualHost()).isEqualTo("/");
        assertThat(BrokerUri.parse("amqp://localhost/%2F").virtualHost()).isEqualTo("/");
        assertThat(BrokerUri.parse("amqp://localhost").addresses().get(0).getPort()).isEqualTo(5672);
        BrokerUri tls = BrokerUri.parse("amqps://rabbit.example.org/");
        assertThat(tls.tls()).isTrue();
        assertThat(tls.addresses().get(0).getPort()).isEqualTo(5671);
    }

    @Test
    void severalHostsFormAFailoverList() {
        BrokerUri uri = BrokerUri.parse("amqp://u:p@rmq1:5672,rmq2,[::1]:5674/%2F");
        assertThat(uri.addresses()).extracting(a -> a.getHost() + ":" + a.getPort())
                .containsExactly("rmq1:5672", "rmq2:5672", "::1:5674");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(BrokerUri.parse("amqp://u:verysecret@h:1/v").toString())
                .isEqualTo("amqp://u:****@h:1/v").doesNotContain("verysecret");
    }

    @Test
    void rejectsOtherSchemesAndBadPortsWithoutEchoingSecrets() {
        assertThatThrownBy(() -> BrokerUri.parse("http://u:verysecret@h/")).hasMessageContaining("amqp")
                .hasMessageNotContaining("verysecret");
        assertThatThrownBy(() -> BrokerUri.parse("amqp://h:99999/")).hasMessageContaining("invalid port");
        assertThatThrownBy(() -> BrokerUri.parse("amqp:///vhost")).hasMessageContaining("no host");
    }
}
