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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link SecretsNeverLoggedIT} does not cover: {@code config show}, and the start-up failures where a
 * broker URI or a broker login is most likely to be printed — a refused pipeline login and a refused login
 * on OpenCTI's broker. At debug level, none shows the token or a broker password.
 */
@ExtendWith(RabbitBrokerExtension.class)
class SecretsNeverShownIT {

    private static final String TOKEN = "opencti-T0ken-never-shown";
    private static final String PIPELINE_PASSWORD = "pipeline-Pa55-never-shown";
    private static final String MQ_PASSWORD = "mq-Pa55-never-shown";

    @TempDir
    Path dir;

    @Test
    void configShowMasksTheTokenAndBothBrokerPasswords(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "show")) {
            Map<String, String> env = new HashMap<>(new Pipeline(broker, openCti, broker.prefix("show"))
                    .environment(Map.of()));
            env.put("OPENCTI_TOKEN", TOKEN);
            env.put("MQ_PASS", MQ_PASSWORD);
            env.put("PIPELINE_RABBITMQ_URI", "amqps://svc-ingester:" + PIPELINE_PASSWORD + "@rmq1:5671,rmq2:5671/cti");

            String shown = run(env, "show", "config", "show");

            assertThat(shown).contains("svc-ingester:****@rmq1:5671,rmq2:5671").contains("OPENCTI_TOKEN")
                    .contains("MQ_PASS").contains("****");
            assertThat(shown).doesNotContain(TOKEN).doesNotContain(PIPELINE_PASSWORD).doesNotContain(MQ_PASSWORD);
        }
    }

    @Test
    void aRefusedPipelineLoginStopsTheStartWithoutShowingThePassword(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "pipeline-login")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("pipeline-login"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of("CONNECTOR_LOG_LEVEL", "debug")));
            var address = broker.brokerUri().addresses().get(0);
            env.put("PIPELINE_RABBITMQ_URI", "amqp://" + broker.brokerUri().username() + ":" + PIPELINE_PASSWORD
                    + "@" + address.getHost() + ":" + address.getPort() + "/%2F");

            String output = runAndExpectFailure(env, "pipeline-login");

            assertThat(output).contains("DEBUG").contains("ACCESS_REFUSED");
            assertThat(output).doesNotContain(PIPELINE_PASSWORD).doesNotContain("test-token");
        }
    }

    @Test
    void aRefusedLoginOnOpenCtisBrokerStopsTheStartWithoutShowingMqPass(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "push-login")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("push-login"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of("CONNECTOR_LOG_LEVEL", "debug")));
            env.put("MQ_PASS", MQ_PASSWORD); // wrong for the broker OpenCTI announced

            String output = runAndExpectFailure(env, "push-login");

            assertThat(openCti.registrations.get()).isEqualTo(1);
            assertThat(output).contains("DEBUG").contains("ACCESS_REFUSED");
            assertThat(output).doesNotContain(MQ_PASSWORD).doesNotContain("test-token")
                    .doesNotContain(LeastPrivilegeIT.userInfo(broker));
        }
    }

    private String runAndExpectFailure(Map<String, String> env, String name) throws Exception {
        try (JavaProcess ingester = JavaProcess.start(dir.resolve(name), env, List.of(),
                IngesterCommand.class.getName(), "run")) {
            assertThat(ingester.waitFor(Duration.ofSeconds(120))).as(ingester.output()).isEqualTo(1);
            return ingester.output();
        }
    }

    private String run(Map<String, String> env, String name, String... args) throws Exception {
        try (JavaProcess process = JavaProcess.start(dir.resolve(name), env, List.of(),
                IngesterCommand.class.getName(), args)) {
            assertThat(process.waitFor(Duration.ofSeconds(60))).as(process.output()).isZero();
            return process.output();
        }
    }
}
