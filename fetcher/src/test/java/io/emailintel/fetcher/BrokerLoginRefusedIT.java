package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused login or vhost is configuration, not an outage: {@code run} (which retries an unreachable broker
 * forever) stops at once with exit 1 and one line naming the broker, the user and the vhost — never the
 * password. Before issue 13 a wrong password was retried forever, logged as "unreachable".
 */
@ExtendWith(RabbitBrokerExtension.class)
class BrokerLoginRefusedIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String WRONG_PASSWORD = "not-the-guest-password";

    @TempDir
    static Path dir;

    private static FakeGraph graph;

    @BeforeAll
    static void start() throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
    }

    @AfterAll
    static void stop() {
        graph.close();
    }

    private static int port(TestBroker broker) {
        return broker.brokerUri().addresses().get(0).getPort();
    }

    @Test
    void aWrongBrokerPasswordStopsTheRunWithOneLineNamingHostUserAndVhost(TestBroker broker) throws Exception {
        String uri = "amqp://guest:" + WRONG_PASSWORD + "@127.0.0.1:" + port(broker) + "/%2F";
        Map<String, String> env = FetcherProcess.environment(graph, uri, broker.prefix("login"), dir.resolve("s1"));

        String output;
        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve("login"), env, "run")) {
            assertThat(fetcher.waitFor(LIMIT)).as("exit status").isEqualTo(1);
            output = fetcher.output();
        }

        assertThat(output).contains("the broker 127.0.0.1:" + port(broker) + " refused user 'guest' on vhost '/'")
                .contains("ACCESS_REFUSED");
        assertThat(output).doesNotContain(WRONG_PASSWORD).doesNotContain("unreachable").doesNotContain("\tat ");
    }

    @Test
    void aVhostThatDoesNotExistStopsTheRunNamingIt(TestBroker broker) throws Exception {
        String uri = "amqp://guest:guest@127.0.0.1:" + port(broker) + "/no-such-vhost-" + System.nanoTime();
        Map<String, String> env = FetcherProcess.environment(graph, uri, broker.prefix("vhost"), dir.resolve("s2"));

        String output;
        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve("vhost"), env, "run")) {
            assertThat(fetcher.waitFor(LIMIT)).as("exit status").isEqualTo(1);
            output = fetcher.output();
        }

        assertThat(output).contains("refused user 'guest' on vhost 'no-such-vhost-");
        assertThat(output).doesNotContain("unreachable").doesNotContain("\tat ");
    }
}
