package io.emailintel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.ComposeFile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compose file's images: ours from our Dockerfile under one version tag, the broker a RabbitMQ 4.x with
 * the management plugin unless RABBITMQ_IMAGE says otherwise (deploy/test-stack sets it to a local broker).
 */
class ComposeImagesTest {

    @Test
    void theBrokerImageIsAVariableDefaultingToRabbitMq4WithTheManagementPlugin() throws Exception {
        assertThat(ComposeFile.service("rabbitmq").get("image").toString())
                .matches("\\$\\{RABBITMQ_IMAGE:-rabbitmq:4\\.[0-9]+-management}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void ourServicesBuildTheirDockerfileTargetAndShareOneVersionTag() throws Exception {
        for (String service : new String[] {"fetcher", "ingester"}) {
            Map<String, Object> s = ComposeFile.service(service);
            assertThat((Map<String, Object>) s.get("build")).as(service)
                    .containsEntry("context", ".").containsEntry("target", service);
            assertThat(s.get("image")).as(service).isEqualTo("email-intel-" + service + ":${EMAIL_INTEL_VERSION:-latest}");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStackTestOverrideChangesOnlySourceOutputAndScaleNotTheImages() throws Exception {
        Map<String, Object> services = (Map<String, Object>) ComposeFile.loadOverride().get("services");

        assertThat(services).containsOnlyKeys("fetcher", "ingester");
        services.values().forEach(s -> assertThat((Map<String, Object>) s).doesNotContainKeys("image", "build"));
        Map<String, Object> fetcher = (Map<String, Object>) services.get("fetcher");
        Map<String, Object> ingester = (Map<String, Object>) services.get("ingester");
        assertThat((Map<String, Object>) fetcher.get("environment")).containsEntry("FETCHER_SOURCE", "eml-dir");
        assertThat(((Map<String, Object>) ingester.get("environment")).get("INGESTER_OUTPUT").toString())
                .startsWith("dir:");
        assertThat((Map<String, Object>) ingester.get("deploy")).containsEntry("replicas", 2);
    }
}
