package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.model.Envelope;
import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.testing.TestCa;
import io.emailintel.testing.TlsProxy;
import io.emailintel.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher publishes over {@code amqps://} for real: the broker sits behind a TLS-terminating proxy whose
 * certificate a private CA signed. {@code TLS_CA_FILE} is added to the JVM's trust store rather than replacing
 * it: the same run reaches the https token endpoint, which only the JVM trust store knows.
 */
@ExtendWith(RabbitBrokerExtension.class)
class FetcherTlsIT {

    @TempDir
    static Path dir;

    private static FakeGraph graph;
    private static TestCa ca;
    private static TlsProxy proxy;

    @BeforeAll
    static void start(TestBroker broker) throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            graph.add("inbox-id", now.minus(Duration.ofHours(10 - i)), "tls advisory " + i);
        }
        ca = TestCa.create(dir.resolve("ca"));
        proxy = TlsProxy.inFrontOf(broker, ca.serverContext());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        graph.close();
    }

    @Test
    void amqpsWithThePrivateCaFilePublishesEveryEmailThroughTls(TestBroker broker) throws Exception {
        Topology topology = topology(broker, "tls-ok");
        Map<String, String> env = FetcherProcess.environment(graph, proxy.amqpsUri(broker), topology.prefix(),
                dir.resolve("ok-state"));
        env.put("TLS_CA_FILE", ca.caPem().toString());

        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve("ok"), env, "run", "--once")) {
            assertThat(fetcher.waitFor(Duration.ofSeconds(120))).as(fetcher.output()).isZero();
        }

        Connection connection = broker.connect();
        List<Envelope> published = GraphFixture.drain(connection, topology.workQueue());
        assertThat(published).extracting(Envelope::subject)
                .containsExactlyInAnyOrder("tls advisory 0", "tls advisory 1", "tls advisory 2");
        assertThat(proxy.handshakes()).as("the fetcher spoke TLS to the broker").isPositive();
    }

    @Test
    void anUntrustedBrokerCertificateFailsTheRunWithOneLineNamingTheHost(TestBroker broker) throws Exception {
        Topology topology = topology(broker, "tls-untrusted");
        Map<String, String> env = FetcherProcess.environment(graph, proxy.amqpsUri(broker), topology.prefix(),
                dir.resolve("untrusted-state"));
        // no TLS_CA_FILE: the JVM trust store does not know the private CA

        String output;
        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve("untrusted"), env, "run", "--once")) {
            assertThat(fetcher.waitFor(Duration.ofSeconds(120))).isEqualTo(1);
            output = fetcher.output();
        }

        assertThat(output).contains("TLS connection to the broker 127.0.0.1:" + proxy.port()
                + " refused: its certificate is not signed by a trusted CA (add the CA to TLS_CA_FILE)");
        assertThat(output).as("one clear line, not a stack trace").doesNotContain("\tat ");
        assertThat(dir.resolve("untrusted-state")).as("no cursor moved").doesNotExist();
    }

    private static Topology topology(TestBroker broker, String name) {
        Topology topology = new Topology(broker.prefix(name), CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue()));
        broker.deleteAfterwards(topology);
        return topology;
    }
}
