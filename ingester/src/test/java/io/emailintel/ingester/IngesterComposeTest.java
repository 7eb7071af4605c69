package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.ComposeFile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compose stack and the samples speak the ingester's configuration (no Docker engine needed). */
class IngesterComposeTest {

    @Test
    void composeServiceAndSamplesMatchTheSettings() throws Exception {
        ComposeFile.assertServiceMatches("ingester", IngesterSettings.schema());
        ComposeFile.assertYamlSampleDocuments(IngesterSettings.schema());
    }

    @Test
    void theStackTestOverrideSetsOnlyIngesterSettings() throws Exception {
        ComposeFile.assertOverrideUsesSettings("ingester", IngesterSettings.schema());
    }

    @Test
    @SuppressWarnings("unchecked")
    void ingestersScaleAndStopGracefully() throws Exception {
        Map<String, Object> ingester = ComposeFile.service("ingester");
        assertThat(ingester).doesNotContainKey("container_name"); // would forbid --scale
        assertThat(ingester).containsKeys("restart", "stop_grace_period", "depends_on", "deploy");
        assertThat(ingester.get("stop_grace_period").toString()).isEqualTo("60s");
    }
}
