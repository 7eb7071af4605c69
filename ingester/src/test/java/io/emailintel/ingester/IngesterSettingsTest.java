package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.config.Config;
import io.emailintel.ingester.stix.Tlp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngesterSettingsTest {

    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("OPENCTI_URL", "http://opencti:8080");
        env.put("OPENCTI_TOKEN", "t");
        env.put("CONNECTOR_ID", "6a9f7f2c-29b6-4b5c-9f0e-6f7d3c8e1a11");
        return env;
    }

    @Test
    void defaultsFollowThePythonConnector() {
        Config c = new ConfigOptions().load(IngesterSettings.schema(), required());
        assertThat(Tlp.fromSetting(c.get(IngesterSettings.TLP_LEVEL))).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(c.get(IngesterSettings.REPORT_TYPES)).containsExactly("threat-report");
        assertThat(c.get(IngesterSettings.NO_TRIGGER_IMPORT)).isFalse();
        assertThat(c.get(IngesterSettings.OPENCTI_SSL_VERIFY)).isTrue();
        assertThat(c.get(IngesterSettings.QUEUE_PROTOCOL)).isEqualTo("amqp");
        assertThat(c.get(IngesterSettings.QUEUE_THRESHOLD)).isEqualTo(500.0);
        assertThat(c.get(IngesterSettings.PING_INTERVAL)).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void everyTlpLevelTheSettingAcceptsIsKnown() {
        for (String level : new String[] {"clear", "white", "green", "amber", "amber+strict", "red"}) {
            Map<String, String> env = required();
            env.put("EMAIL_INTEL_MICROSOFT_TLP_LEVEL", level);
            Config c = new ConfigOptions().load(IngesterSettings.schema(), env);
            assertThat(Tlp.fromSetting(c.get(IngesterSettings.TLP_LEVEL))).isNotNull();
        }
    }

    @Test
    void aConnectorIdNeedNotBeAUuidAndIsKeptVerbatim() {
        Map<String, String> env = required();
        env.put("CONNECTOR_ID", "email-intel-microsoft-prod");
        assertThat(new ConfigOptions().load(IngesterSettings.schema(), env).get(IngesterSettings.CONNECTOR_ID))
                .isEqualTo("email-intel-microsoft-prod");
        assertThat(Ingester.warnUnlessUuid("email-intel-microsoft-prod")).isTrue();
        assertThat(Ingester.warnUnlessUuid("6a9f7f2c-29b6-4b5c-9f0e-6f7d3c8e1a11")).isFalse();
    }

    @Test
    void aBlankConnectorIdOrTheSamplesPlaceholderIsRefused() {
        Map<String, String> env = required();
        env.put("CONNECTOR_ID", "ChangeMe-a-UUIDv4-from-uuidgen");
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(), env))
                .hasMessageContaining("CONNECTOR_ID").hasMessageContaining("placeholder");
        assertThat(IngesterSettings.CONNECTOR_ID_TYPE.expected()).contains("non-blank");
        assertThatThrownBy(() -> IngesterSettings.CONNECTOR_ID_TYPE.parse(" \t ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theQueueThresholdIsDecimalMegabytes() {
        Map<String, String> env = required();
        env.put("CONNECTOR_QUEUE_THRESHOLD", "0.5");
        assertThat(new ConfigOptions().load(IngesterSettings.schema(), env).get(IngesterSettings.QUEUE_THRESHOLD))
                .isEqualTo(0.5);
        env.put("CONNECTOR_QUEUE_THRESHOLD", "0");
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(), env))
                .hasMessageContaining("connector.queue_threshold");
    }

    @Test
    void quickRetriesAreBounded() {
        Map<String, String> env = required();
        env.put("INGESTER_QUICK_RETRIES", "50");
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(), env))
                .hasMessageContaining("ingester.quick_retries");
    }

    @Test
    void sendingToOpenCtiNeedsUrlTokenAndConnectorId() {
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(), Map.of()))
                .hasMessageContaining("OPENCTI_URL").hasMessageContaining("OPENCTI_TOKEN")
                .hasMessageContaining("CONNECTOR_ID").hasMessageContaining("INGESTER_OUTPUT is opencti");
    }

    @Test
    void aDirectoryOutputNeedsNoOpenCti() {
        Config c = new ConfigOptions().load(IngesterSettings.schema(), Map.of("INGESTER_OUTPUT", "dir:out/demo"));
        assertThat(c.get(IngesterSettings.OUTPUT).isOpenCti()).isFalse();
        assertThat(c.get(IngesterSettings.OUTPUT).directory()).hasToString("out/demo");
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(),
                Map.of("INGESTER_OUTPUT", "s3://bucket"))).hasMessageContaining("opencti or dir:PATH");
    }
}
