package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.Envelope;
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
 * The ingester holds the OpenCTI token and nothing of Microsoft's: it runs with no Graph secret and no
 * {@code EMAIL_INTEL_MICROSOFT_*} setting at all in its environment, and its configuration has no place for
 * the Graph credentials.
 */
@ExtendWith(RabbitBrokerExtension.class)
class LeastPrivilegeIT {

    @TempDir
    Path dir;

    @Test
    void runNeedsNoGraphSettingInItsEnvironment(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "least")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("least"));
            p.declare();
            List<Envelope> envelopes = List.of(IngesterIT.envelope(1, "cycle-least"), IngesterIT.envelope(2, "cycle-least"));
            for (Envelope e : envelopes) {
                p.publish(e);
            }
            Map<String, String> env = p.environment(Map.of("CONNECTOR_LOG_LEVEL", "debug"));
            assertThat(env.keySet()).as("the whole environment of the process")
                    .noneMatch(k -> k.startsWith("EMAIL_INTEL_MICROSOFT_"));

            String output;
            try (JavaProcess ingester = JavaProcess.start(dir.resolve("run"), env, List.of(),
                    IngesterCommand.class.getName(), "run", "--exit-when-idle", "PT1S")) {
                assertThat(ingester.waitFor(Duration.ofSeconds(120))).as(ingester.output()).isZero();
                output = ingester.output();
            }

            assertThat(p.takePushed()).filteredOn(m -> m.type().equals("report")).hasSize(2);
            assertThat(output).contains("DEBUG").doesNotContain("test-token").doesNotContain(userInfo(broker));
        }
    }

    @Test
    void theIngesterConfigurationHasNoGraphSettingAndIgnoresOnesLeftInTheEnvironment(TestBroker broker)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "least-show")) {
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("least-show"));
            Map<String, String> env = new HashMap<>(p.environment(Map.of()));
            env.put("EMAIL_INTEL_MICROSOFT_TENANT_ID", "stray-tenant-4711");
            env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "stray-graph-secret-4711");
            env.put("EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PASSWORD", "stray-pfx-password-4711");

            String shown;
            try (JavaProcess show = JavaProcess.start(dir.resolve("show"), env, List.of(),
                    IngesterCommand.class.getName(), "config", "show")) {
                assertThat(show.waitFor(Duration.ofSeconds(60))).as(show.output()).isZero();
                shown = show.output();
            }

            assertThat(shown).contains("OPENCTI_TOKEN").doesNotContain("CLIENT_SECRET")
                    .doesNotContain("TENANT_ID").doesNotContain("CLIENT_CERTIFICATE").doesNotContain("stray-");
        }
    }

    /** The test broker's {@code user:password@}, which must never appear unmasked. */
    static String userInfo(TestBroker broker) {
        String rest = broker.uri().replaceFirst("^amqps?://", "");
        return java.net.URLDecoder.decode(rest.substring(0, rest.indexOf('@')), java.nio.charset.StandardCharsets.UTF_8)
                + "@";
    }
}
