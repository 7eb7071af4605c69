package io.emailintel.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.testing.TestCa;
import io.emailintel.testing.TlsProxy;
import io.emailintel.tls.TlsTrust;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amqps://} for real: the broker behind a TLS-terminating proxy whose certificate a private CA signed.
 * The CA file makes it trusted; without it, or for a certificate naming another host, the connection is
 * refused with one line naming the broker and the reason.
 */
@ExtendWith(RabbitBrokerExtension.class)
class BrokerTlsIT {

    @TempDir
    static Path dir;

    private static TestCa ca;
    private static TestCa otherHostCa;
    private static TlsProxy proxy;
    private static TlsProxy wrongHostProxy;

    @BeforeAll
    static void start(TestBroker broker) throws Exception {
        ca = TestCa.create(dir.resolve("ca"));
        otherHostCa = TestCa.create(dir.resolve("other-host"), "dns:rabbit.other.example");
        proxy = TlsProxy.inFrontOf(broker, ca.serverContext());
        wrongHostProxy = TlsProxy.inFrontOf(broker, otherHostCa.serverContext());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        wrongHostProxy.close();
    }

    @Test
    void amqpsWithThePrivateCaFileCarriesMessagesThroughTls(TestBroker broker) throws Exception {
        BrokerUri uri = BrokerUri.parse(proxy.amqpsUri(broker)).withTrust(TlsTrust.withCaFile(ca.caPem()));
        String queue = broker.prefix("tls-roundtrip");
        broker.deleteQueueAfterwards(queue);
        int before = proxy.handshakes();

        try (Connection connection = uri.connect("tls-test"); Channel ch = connection.createChannel()) {
            ch.queueDeclare(queue, false, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", queue, null, "over tls".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(5_000);
            GetResponse r = ch.basicGet(queue, true);
            assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("over tls");
        }
        assertThat(proxy.handshakes()).as("the client spoke TLS to the proxy").isGreaterThan(before);
    }

    @Test
    void aCertificateFromACaNotTrustedIsRefusedNamingTheBroker(TestBroker broker) {
        BrokerUri jvmOnly = BrokerUri.parse(proxy.amqpsUri(broker));
        BrokerUri anotherCa = jvmOnly.withTrust(TlsTrust.withCaFile(otherHostCa.caPem()));

        for (BrokerUri uri : new BrokerUri[] {jvmOnly, anotherCa}) {
            assertThatThrownBy(() -> uri.connect("tls-test"))
                    .isInstanceOf(BrokerTlsException.class)
                    .hasMessage("TLS connection to the broker 127.0.0.1:" + proxy.port() + " refused: its "
                            + "certificate is not signed by a trusted CA (add the CA to TLS_CA_FILE)")
                    .hasNoCause();
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused(TestBroker broker) {
        BrokerUri uri = BrokerUri.parse(wrongHostProxy.amqpsUri(broker))
                .withTrust(TlsTrust.withCaFile(otherHostCa.caPem()));

        assertThatThrownBy(() -> uri.connect("tls-test"))
                .isInstanceOf(BrokerTlsException.class)
                .hasMessageStartingWith("TLS connection to the broker 127.0.0.1:" + wrongHostProxy.port()
                        + " refused: its certificate is for another host");
    }

    @Test
    void theBrokerOfOpenCtiGivenByItsPartsUsesTheSameTrust(TestBroker broker) throws Exception {
        var address = broker.brokerUri().addresses().get(0);
        BrokerUri announced = BrokerUri.parse(proxy.amqpsUri(broker));
        BrokerUri parts = BrokerUri.of(true, "127.0.0.1", proxy.port(), announced.virtualHost(),
                announced.username(), guestPassword(broker)).withTrust(TlsTrust.withCaFile(ca.caPem()));

        try (Connection connection = parts.connect("tls-test")) {
            assertThat(connection.isOpen()).isTrue();
        }
        assertThat(parts.toString()).isEqualTo("amqps://" + announced.username() + ":****@127.0.0.1:" + proxy.port()
                + "/" + ("/".equals(announced.virtualHost()) ? "%2F" : announced.virtualHost()));
        assertThat(address.getPort()).isNotEqualTo(proxy.port());
    }

    private static String guestPassword(TestBroker broker) {
        String userInfo = broker.uri().replaceFirst("^amqps?://", "");
        userInfo = userInfo.substring(0, userInfo.indexOf('@'));
        return java.net.URLDecoder.decode(userInfo.substring(userInfo.indexOf(':') + 1), StandardCharsets.UTF_8);
    }
}
