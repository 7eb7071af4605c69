package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.JavaProcess;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused login is configuration, not an outage: the ingester (which waits out an unreachable broker at
 * start-up) stops at once with exit 1 and one line naming the broker, the user and the vhost, never the
 * password — for the pipeline broker and for OpenCTI's broker alike (one classification, {@code BrokerStartup}).
 */
@ExtendWith(RabbitBrokerExtension.class)
class BrokerLoginRefusedIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final String WRONG_PASSWORD = "not-the-guest-password";

    @TempDir
    static Path dir;

    private static int port(TestBroker broker) {
        return broker.brokerUri().addresses().get(0).getPort();
    }

    private static String run(TestInfo info, Map<String, String> env) throws Exception {
        try (JavaProcess ingester = JavaProcess.start(dir.resolve(info.getTestMethod().orElseThrow().getName()), env,
                List.of(), IngesterCommand.class.getName(), "run")) {
            assertThat(ingester.waitFor(LIMIT)).as("exit status").isEqualTo(1);
            return ingester.output();
        }
    }

    @Test
    void aWrongPipelinePasswordStopsTheIngesterNamingHostUserAndVhost(TestBroker broker, TestInfo info)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "login-pipeline")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("login-pipeline"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("PIPELINE_RABBITMQ_URI", "amqp://guest:" + WRONG_PASSWORD + "@127.0.0.1:" + port(broker) + "/%2F");

            String output = run(info, env);

            assertThat(output).contains("the broker 127.0.0.1:" + port(broker) + " refused user 'guest' on vhost '/'");
            assertThat(output).doesNotContain(WRONG_PASSWORD).doesNotContain("unreachable").doesNotContain("\tat ");
        }
    }

    @Test
    void aWrongOpenCtiBrokerPasswordStopsTheIngesterToo(TestBroker broker, TestInfo info) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "login-push")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("login-push"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("MQ_PASS", WRONG_PASSWORD);

            String output = run(info, env);

            assertThat(output).contains("refused user '").contains("ACCESS_REFUSED");
            assertThat(output).doesNotContain(WRONG_PASSWORD).doesNotContain("unreachable").doesNotContain("\tat ");
        }
    }
}
