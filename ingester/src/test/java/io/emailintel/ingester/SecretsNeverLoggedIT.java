package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.emailintel.model.Envelope;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged ingester at debug level, through an OpenCTI outage and a rejected bundle, never writes the
 * token (nor the broker override password) to its log or to a dead letter, and logs each e-mail by id.
 */
@ExtendWith(RabbitBrokerExtension.class)
class SecretsNeverLoggedIT {

    private static final Path JAR = Path.of("target", "ingester.jar");
    private static final String MQ_PASSWORD = "mq-pa55-never-shown";

    @Test
    void tokenAndPasswordsAppearNowhere(TestBroker broker) throws Exception {
        assertThat(JAR).exists();
        Path log = Path.of("target", "secrets-it.log");
        Process process = null;
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "secrets")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("secrets"));
            p.declare();
            openCti.rejectBundle = bundle -> bundle.contains("\"Advisory 7\"");
            ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(),
                    "run").redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(p.environment(Map.of(
                    "CONNECTOR_LOG_LEVEL", "debug",
                    "CONNECTOR_QUEUE_PROTOCOL", "api",
                    // an override the api protocol does not use, but which is loaded and must never show
                    "MQ_PASS", MQ_PASSWORD)));
            process = pb.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> openCti.registrations.get() == 1);

            openCti.failStatus = 503; // OpenCTI down for a moment
            List<Envelope> envelopes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                envelopes.add(IngesterIT.envelope(i, "cycle-secrets"));
                p.publish(envelopes.get(i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> openCti.failedRequests.get() >= 3);
            openCti.failStatus = 0;

            List<GetResponse> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                dead.addAll(p.takeDeadLetters());
                return dead.size() == 1 && broker.messageCount(p.topology.workQueue()) == 0;
            });
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();

            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text).as("the log was written at debug level").contains("DEBUG");
            assertThat(text).doesNotContain("test-token").doesNotContain(MQ_PASSWORD);
            for (Envelope e : envelopes) {
                assertThat(text).as("a line names envelope %s", e.envelopeId()).contains(e.envelopeId());
            }
            GetResponse letter = dead.get(0);
            assertThat(Pipeline.header(letter, Headers.FAILURE_REASON)).isEqualTo("opencti-rejected");
            assertThat(letter.getProps().getHeaders().toString()).doesNotContain("test-token")
                    .doesNotContain(MQ_PASSWORD);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
                .toString();
    }
}
