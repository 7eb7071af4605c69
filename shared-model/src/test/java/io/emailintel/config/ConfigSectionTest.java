package io.emailintel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSectionTest {

    private static final ConfigSource HERE = new ConfigSource(ConfigSource.Kind.YAML, "config.yml (sections[1])");
    private static final ConfigRule NEED_TENANT = c -> c.get(ConfigLoaderTest.TENANT) == null
            ? List.of(new ConfigProblem(ConfigLoaderTest.TENANT.key(), ConfigSource.UNSET, "required"))
            : List.of();
    private static final ConfigSchema SCHEMA = new ConfigSchema("t", List.of(ConfigLoaderTest.NAME,
            ConfigLoaderTest.PERIOD, ConfigLoaderTest.TENANT, ConfigLoaderTest.SECRET, ConfigLoaderTest.INBOX),
            List.of(NEED_TENANT));

    private static Config base() {
        return ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(Map.of("CONNECTOR_NAME", "top",
                "CONNECTOR_DURATION_PERIOD", "PT1H", "EMAIL_INTEL_MICROSOFT_TENANT_ID", "top-tenant",
                "EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "top-secret", "EMAIL_INTEL_MICROSOFT_INBOX", "Top")));
    }

    private static Config section(Map<String, String> texts) {
        Map<String, ConfigLoader.Text> sourced = new java.util.LinkedHashMap<>();
        texts.forEach((k, v) -> sourced.put(k, new ConfigLoader.Text(v, HERE)));
        return ConfigLoader.section(base(), "a", "section \"a\"", sourced, List.of(ConfigLoaderTest.INBOX),
                List.of(List.of(ConfigLoaderTest.TENANT, ConfigLoaderTest.SECRET), List.of(ConfigLoaderTest.PERIOD)));
    }

    @Test
    void ownSettingsTakeTheirDefaultInheritedOnesTheTopLevelValueAndTheRestStaysTheTopLevels() {
        Config a = section(Map.of("connector.duration_period", "PT5M"));
        assertThat(a.sectionName()).contains("a");
        assertThat(a.get(ConfigLoaderTest.PERIOD)).hasToString("PT5M");
        assertThat(a.sourceOf(ConfigLoaderTest.PERIOD)).isEqualTo(HERE);
        assertThat(a.get(ConfigLoaderTest.INBOX)).as("own: the default, not the top level's")
                .isEqualTo(ConfigLoaderTest.INBOX.defaultValue());
        assertThat(a.get(ConfigLoaderTest.TENANT)).isEqualTo("top-tenant");
        assertThat(a.get(ConfigLoaderTest.SECRET)).isEqualTo("top-secret");
        assertThat(a.get(ConfigLoaderTest.NAME)).isEqualTo("top");
    }

    @Test
    void aGroupIsInheritedWhole() {
        Config a = section(Map.of("email_intel_microsoft.tenant_id", "own-tenant"));
        assertThat(a.get(ConfigLoaderTest.TENANT)).isEqualTo("own-tenant");
        assertThat(a.get(ConfigLoaderTest.SECRET)).as("not the top level's secret for another tenant").isNull();
    }

    @Test
    void problemsNameTheSectionAndRulesRunOnIt() {
        assertThatThrownBy(() -> section(Map.of("connector.name", "x", "connector.duration_period", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("section \"a\": connector.name (config.yml (sections[1])): set for the whole "
                        + "process only")
                .hasMessageContaining("section \"a\": connector.duration_period (config.yml (sections[1])): expected");
        assertThatThrownBy(() -> section(Map.of("email_intel_microsoft.client_secret", "own")))
                .hasMessageContaining("section \"a\": email_intel_microsoft.tenant_id (not set): required");
    }
}
