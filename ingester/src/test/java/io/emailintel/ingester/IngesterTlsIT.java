package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.Envelope;
import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.testing.TestCa;
import io.emailintel.testing.TlsProxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingester's three connections over real TLS, each through a TLS-terminating proxy whose certificate a
 * private CA signed: {@code amqps://} to the pipeline broker, {@code amqps} to OpenCTI's broker
 * ({@code MQ_USE_SSL}) and https to OpenCTI. With {@code TLS_CA_FILE} they work; without it (or with another
 * CA) each is refused with one line naming the host; {@code OPENCTI_SSL_VERIFY=false} accepts any certificate
 * and warns at start-up.
 */
@ExtendWith(RabbitBrokerExtension.class)
class IngesterTlsIT {

    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;

    private static TestCa ca;
    /** Another private CA, whose server certificate names another host. */
    private static TestCa otherCa;

    @BeforeAll
    static void certificates() {
        ca = TestCa.create(dir.resolve("ca"));
        otherCa = TestCa.create(dir.resolve("other-ca"), "dns:opencti.other.example");
    }

    @Test
    void withThePrivateCaEveryConnectionSpeaksTlsAndEveryEmailReachesOpenCti(TestBroker broker, TestInfo info)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-ok");
             TlsProxy amqps = TlsProxy.inFrontOf(broker, ca.serverContext());
             TlsProxy https = httpsProxy(openCti, ca)) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-ok"));
            p.declare();
            List<Envelope> envelopes = List.of(IngesterIT.envelope(1, "cycle-tls"), IngesterIT.envelope(2, "cycle-tls"));
            for (Envelope e : envelopes) {
                p.publish(e);
            }
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("PIPELINE_RABBITMQ_URI", amqps.amqpsUri(broker));
            env.put("OPENCTI_URL", "https://127.0.0.1:" + https.port());
            env.put("MQ_USE_SSL", "true");
            env.put("MQ_PORT", String.valueOf(amqps.port()));
            env.put("TLS_CA_FILE", ca.caPem().toString());

            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).as(ingester.output()).isZero();
            }

            List<Pipeline.Pushed> pushed = p.takePushed();
            assertThat(pushed).filteredOn(m -> m.type().equals("report")).extracting(m -> m.object().path("name")
                    .asText()).containsExactlyInAnyOrder("Advisory 1", "Advisory 2");
            assertThat(openCti.registrations.get()).isEqualTo(1);
            assertThat(amqps.handshakes()).as("the pipeline and the push connection both spoke TLS")
                    .isGreaterThanOrEqualTo(2);
            assertThat(https.handshakes()).as("GraphQL went over TLS").isPositive();
        }
    }

    @Test
    void httpsToOpenCtiWithAnUntrustedCertificateStopsTheStartNamingTheHost(TestBroker broker, TestInfo info)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-untrusted");
             TlsProxy https = httpsProxy(openCti, ca)) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-untrusted"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("OPENCTI_URL", "https://127.0.0.1:" + https.port());
            env.put("TLS_CA_FILE", otherCa.caPem().toString()); // a CA file, but not the one that signed it

            String output;
            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).isEqualTo(1);
                output = ingester.output();
            }

            assertThat(output).contains("TLS connection to OpenCTI at https://127.0.0.1:" + https.port()
                    + "/graphql refused: its certificate is not signed by a trusted CA (add the CA to TLS_CA_FILE)");
            assertNoStackTrace(output);
            assertThat(openCti.requests.get()).as("no request reached OpenCTI").isZero();
            assertThat(https.failedHandshakes()).isPositive();
        }
    }

    @Test
    void sslVerifyFalseAcceptsAnyCertificateAndWarnsAtStartUp(TestBroker broker, TestInfo info) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-noverify");
             TlsProxy https = httpsProxy(openCti, otherCa)) { // an unknown CA, and another host name
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-noverify"));
            p.declare();
            p.publish(IngesterIT.envelope(3, "cycle-noverify"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("OPENCTI_URL", "https://127.0.0.1:" + https.port());
            env.put("OPENCTI_SSL_VERIFY", "false");
            env.put("CONNECTOR_QUEUE_PROTOCOL", "api");
            env.put("CONNECTOR_LOG_LEVEL", "warn");

            String output;
            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).as(ingester.output()).isZero();
                output = ingester.output();
            }

            assertThat(output).contains("WARN").contains("OPENCTI_SSL_VERIFY=false: the certificate of https://127.0.0.1:"
                    + https.port() + " is NOT verified");
            assertThat(openCti.registrations.get()).isEqualTo(1);
            assertThat(openCti.apiBundles).hasSize(1);
            assertThat(openCti.apiBundles.get(0)).contains("Advisory 3");
            assertThat(https.handshakes()).isPositive();
        }
    }

    @Test
    void anUntrustedPipelineBrokerIsRefusedNamingTheHost(TestBroker broker, TestInfo info) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-pipeline");
             TlsProxy amqps = TlsProxy.inFrontOf(broker, ca.serverContext())) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-pipeline"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("PIPELINE_RABBITMQ_URI", amqps.amqpsUri(broker));
            env.put("TLS_CA_FILE", otherCa.caPem().toString());

            String output;
            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).isEqualTo(1);
                output = ingester.output();
            }

            assertThat(output).contains("TLS connection to the broker 127.0.0.1:" + amqps.port()
                    + " refused: its certificate is not signed by a trusted CA (add the CA to TLS_CA_FILE)");
            assertNoStackTrace(output);
            assertThat(amqps.handshakes()).isZero();
        }
    }

    @Test
    void anUntrustedOpenCtiBrokerIsRefusedNamingTheHost(TestBroker broker, TestInfo info) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-push");
             TlsProxy amqps = TlsProxy.inFrontOf(broker, ca.serverContext())) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-push"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("MQ_USE_SSL", "true");
            env.put("MQ_PORT", String.valueOf(amqps.port()));
            // no TLS_CA_FILE: the JVM's trust store does not know the private CA

            String output;
            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).isEqualTo(1);
                output = ingester.output();
            }

            assertThat(output).contains("TLS connection to the broker 127.0.0.1:" + amqps.port()
                    + " refused: its certificate is not signed by a trusted CA");
            assertNoStackTrace(output);
            assertThat(openCti.registrations.get()).as("registered, then refused the announced broker").isEqualTo(1);
        }
    }

    @Test
    void aClientCertificateWithAPassphraseProtectedKeyIsPresentedToOpenCtisBroker(TestBroker broker, TestInfo info)
            throws Exception {
        // pycti's options: the CA as a path, the certificate as a path, the key as PEM text with its passphrase
        TestCa.ClientCertificate client = ca.clientCertificate("ingester-client", "key passphrase");
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-client");
             TlsProxy amqps = TlsProxy.inFrontOf(broker, ca.serverContextTrustingClients()).requireClientCertificates()) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-client"));
            p.declare();
            p.publish(IngesterIT.envelope(4, "cycle-client"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("MQ_USE_SSL", "true");
            env.put("MQ_PORT", String.valueOf(amqps.port()));
            env.put("MQ_USE_SSL_CA", ca.caPem().toString());
            env.put("MQ_USE_SSL_CERT", client.certificatePem().toString());
            env.put("MQ_USE_SSL_KEY", java.nio.file.Files.readString(client.keyPem()));
            env.put("MQ_USE_SSL_PASSPHRASE", "key passphrase");

            String output;
            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).as(ingester.output()).isZero();
                output = ingester.output();
            }

            assertThat(p.takePushed()).filteredOn(m -> m.type().equals("report"))
                    .extracting(m -> m.object().path("name").asText()).containsExactly("Advisory 4");
            assertThat(amqps.handshakes()).as("the push connection presented the certificate").isPositive();
            assertThat(output).doesNotContain("key passphrase").doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void withoutTheClientCertificateTheBrokerRefusesTheConnection(TestBroker broker, TestInfo info) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-noclient");
             TlsProxy amqps = TlsProxy.inFrontOf(broker, ca.serverContextTrustingClients()).requireClientCertificates()) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-noclient"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("MQ_USE_SSL", "true");
            env.put("MQ_PORT", String.valueOf(amqps.port()));
            env.put("MQ_USE_SSL_CA", java.nio.file.Files.readString(ca.caPem())); // PEM text this time

            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).isEqualTo(1);
            }
            assertThat(amqps.handshakes()).isZero();
            assertThat(amqps.failedHandshakes()).isPositive();
        }
    }

    @Test
    void rejectUnauthorizedFalseAcceptsAnUnknownBrokerCertificateAndWarns(TestBroker broker, TestInfo info)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "tls-mq-noverify");
             TlsProxy amqps = TlsProxy.inFrontOf(broker, otherCa.serverContext())) { // unknown CA, other host name
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("tls-mq-noverify"));
            p.declare();
            p.publish(IngesterIT.envelope(5, "cycle-mq-noverify"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("MQ_USE_SSL", "true");
            env.put("MQ_PORT", String.valueOf(amqps.port()));
            env.put("MQ_USE_SSL_REJECT_UNAUTHORIZED", "false");
            env.put("CONNECTOR_LOG_LEVEL", "warn");

            String output;
            try (JavaProcess ingester = run(info, env)) {
                assertThat(ingester.waitFor(RUN_LIMIT)).as(ingester.output()).isZero();
                output = ingester.output();
            }
            assertThat(output).contains("WARN").contains("MQ_USE_SSL_REJECT_UNAUTHORIZED=false");
            assertThat(p.takePushed()).filteredOn(m -> m.type().equals("report")).hasSize(1);
            assertThat(amqps.handshakes()).isPositive();
        }
    }

    private static TlsProxy httpsProxy(FakeOpenCti openCti, TestCa signer) throws Exception {
        URI plain = openCti.url();
        return new TlsProxy(signer.serverContext(), plain.getHost(), plain.getPort());
    }

    private static JavaProcess run(TestInfo info, Map<String, String> env) throws Exception {
        return JavaProcess.start(dir.resolve(info.getTestMethod().orElseThrow().getName()), env, List.of(),
                IngesterCommand.class.getName(), "run", "--exit-when-idle", "PT1S");
    }

    private static void assertNoStackTrace(String output) {
        assertThat(output).as("one clear line, not a stack trace").doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
    }
}
