package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every line the fetcher writes — a run at debug level with the libraries' own debug output, a run that
 * cannot reach its broker, {@code config show} — is free of the configured secrets: the Graph client secret,
 * the client certificate's password, the access token Graph handed out, and the broker password.
 */
@ExtendWith(RabbitBrokerExtension.class)
class SecretsNeverLoggedIT {

    private static final String CLIENT_SECRET = "graph-client-S3cret-never-shown";
    private static final String PFX_PASSWORD = "pfx-Pa55word-never-shown";
    private static final String BROKER_PASSWORD = "broker-Pa55word-never-shown";

    @TempDir
    Path dir;

    private FakeGraph graph;

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            graph.add("inbox-id", now.minus(Duration.ofHours(5 - i)), "secret-free " + i);
        }
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void aDebugRunWithAClientSecretLogsNeitherTheSecretNorTheAccessTokenNorTheBrokerPassword(TestBroker broker)
            throws Exception {
        Map<String, String> env = environment(broker, "secret-run");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", CLIENT_SECRET);

        String output = runOnce(env, "secret-run");

        assertThat(output).as("libraries' debug lines included").contains("DEBUG").contains("published envelope");
        assertNoSecret(output, broker);
        assertThat(graph.tokenForms()).as("the secret did reach the token endpoint")
                .anyMatch(form -> form.contains(CLIENT_SECRET));
    }

    @Test
    void aDebugRunWithAClientCertificateLogsNotItsPassword(TestBroker broker) throws Exception {
        Path pfx = dir.resolve("client.pfx");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=email-intel-secrets-test", "-keystore", pfx.toString(), "-storetype", "PKCS12",
                "-storepass", PFX_PASSWORD, "-keypass", PFX_PASSWORD);
        Map<String, String> env = environment(broker, "cert-run");
        env.remove("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PATH", pfx.toString());
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PASSWORD", PFX_PASSWORD);

        String output = runOnce(env, "cert-run");

        assertThat(output).contains("DEBUG").contains("published envelope");
        assertNoSecret(output, broker);
        assertThat(graph.tokenForms()).as("a signed client assertion, not a secret, reached the token endpoint")
                .anyMatch(form -> form.contains("client_assertion="));
    }

    @Test
    void configShowMasksEverySecretAndTheBrokerPassword(TestBroker broker) throws Exception {
        Map<String, String> withSecret = environment(broker, "show");
        withSecret.put("PIPELINE_RABBITMQ_URI", "amqps://svc-fetcher:" + BROKER_PASSWORD + "@rmq1:5671,rmq2:5671/cti");
        withSecret.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", CLIENT_SECRET);
        Map<String, String> withCertificate = new java.util.HashMap<>(withSecret);
        withCertificate.remove("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET");
        withCertificate.put("EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PATH", dir.resolve("client.pfx").toString());
        withCertificate.put("EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PASSWORD", PFX_PASSWORD);

        for (Map<String, String> env : List.of(withSecret, withCertificate)) {
            String shown;
            try (JavaProcess show = FetcherProcess.start(dir.resolve("show"), env, "config", "show")) {
                assertThat(show.waitFor(Duration.ofSeconds(60))).as(show.output()).isZero();
                shown = show.output();
            }
            assertThat(shown).contains("svc-fetcher:****@rmq1:5671,rmq2:5671").contains("****")
                    .doesNotContain(CLIENT_SECRET).doesNotContain(PFX_PASSWORD).doesNotContain(BROKER_PASSWORD);
        }
    }

    @Test
    void aBrokerThatCannotBeReachedIsNamedWithItsPasswordMasked(TestBroker broker) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = environment(broker, "unreachable");
        env.put("PIPELINE_RABBITMQ_URI", "amqp://svc-fetcher:" + BROKER_PASSWORD + "@127.0.0.1:" + closedPort + "/cti");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", CLIENT_SECRET);

        String output;
        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve("unreachable"), env, "run")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> fetcher.output().contains("unreachable"));
            assertThat(fetcher.stop(Duration.ofSeconds(30))).isZero();
            output = fetcher.output();
        }

        assertThat(output).contains("svc-fetcher:****@127.0.0.1:" + closedPort);
        assertThat(output).doesNotContain(BROKER_PASSWORD).doesNotContain(CLIENT_SECRET);
    }

    private Map<String, String> environment(TestBroker broker, String name) {
        Topology topology = new Topology(broker.prefix(name), CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue()));
        broker.deleteAfterwards(topology);
        Map<String, String> env = FetcherProcess.environment(graph, broker.uri(), topology.prefix(),
                dir.resolve(name + "-state"));
        env.put("CONNECTOR_LOG_LEVEL", "debug");
        return env;
    }

    private String runOnce(Map<String, String> env, String name) throws Exception {
        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve(name), env, "run", "--once")) {
            assertThat(fetcher.waitFor(Duration.ofSeconds(120))).as(fetcher.output()).isZero();
            return fetcher.output();
        }
    }

    /** None of the secrets, nor the test broker's user:password pair. */
    private static void assertNoSecret(String output, TestBroker broker) {
        assertThat(output).doesNotContain(CLIENT_SECRET).doesNotContain(PFX_PASSWORD)
                .doesNotContain(FakeGraph.TOKEN).doesNotContain(brokerUserInfo(broker));
    }

    private static String brokerUserInfo(TestBroker broker) {
        String rest = broker.uri().replaceFirst("^amqps?://", "");
        return URLDecoder.decode(rest.substring(0, rest.indexOf('@')), StandardCharsets.UTF_8) + "@";
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }
}
