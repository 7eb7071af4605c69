package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.model.Envelope;
import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher holds the Graph credential and nothing of OpenCTI's: it runs with no OpenCTI setting in its
 * environment, and its configuration does not even have a place for the OpenCTI token.
 */
@ExtendWith(RabbitBrokerExtension.class)
class LeastPrivilegeIT {

    @TempDir
    Path dir;

    private FakeGraph graph;

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            graph.add("inbox-id", now.minus(Duration.ofHours(5 - i)), "least privilege " + i);
        }
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void runOnceNeedsNoOpenCtiSettingInItsEnvironment(TestBroker broker) throws Exception {
        Topology topology = new Topology(broker.prefix("least"), CommonSettings.RETRY_DELAYS.parse(
                CommonSettings.RETRY_DELAYS.defaultValue()));
        broker.deleteAfterwards(topology);
        Map<String, String> env = FetcherProcess.environment(graph, broker.uri(), topology.prefix(),
                dir.resolve("state"));
        assertThat(env.keySet()).as("the whole environment of the process")
                .noneMatch(k -> k.startsWith("OPENCTI_") || k.startsWith("MQ_") || k.startsWith("CONNECTOR_ID"));

        try (JavaProcess fetcher = FetcherProcess.start(dir.resolve("run"), env, "run", "--once")) {
            assertThat(fetcher.waitFor(Duration.ofSeconds(120))).as(fetcher.output()).isZero();
        }

        Connection connection = broker.connect();
        List<Envelope> published = GraphFixture.drain(connection, topology.workQueue());
        assertThat(published).hasSize(3);
    }

    @Test
    void theFetcherConfigurationHasNoOpenCtiSettingAndIgnoresOnesLeftInTheEnvironment(TestBroker broker)
            throws Exception {
        Map<String, String> env = FetcherProcess.environment(graph, broker.uri(), broker.prefix("least-show"),
                dir.resolve("state"));
        env.put("OPENCTI_URL", "https://opencti.example.org");
        env.put("OPENCTI_TOKEN", "stray-opencti-token-4711");
        env.put("MQ_PASS", "stray-mq-password-4711");

        String shown;
        try (JavaProcess show = FetcherProcess.start(dir.resolve("show"), env, "config", "show")) {
            assertThat(show.waitFor(Duration.ofSeconds(60))).as(show.output()).isZero();
            shown = show.output();
        }

        assertThat(shown).contains("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET")
                .doesNotContain("OPENCTI_").doesNotContain("opencti.").doesNotContain("MQ_PASS")
                .doesNotContain("stray-opencti-token-4711").doesNotContain("stray-mq-password-4711")
                .doesNotContain("opencti.example.org");
    }
}
