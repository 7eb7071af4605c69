package io.emailintel.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import io.emailintel.config.ConfigReport;
import io.emailintel.config.ConfigSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriageSettingsTest {

    private static final ConfigSchema SCHEMA = CommonSettings.schema("test", TriageSettings.ALL,
            List.of(TriageSettings.RULES_VALID));

    @TempDir
    Path dir;

    @Test
    void rulesListInConfigYml() throws Exception {
        Path yml = dir.resolve("config.yml");
        Files.writeString(yml, """
                email_intel_microsoft:
                  rules:
                    - name: isac
                      match: {from: "isac.example", subject: "a, b"}
                      tlp: red
                    - {name: noise, match: {subject: "newsletter"}, skip: true}
                """);
        Config config = ConfigLoader.load(SCHEMA, ConfigInputs.read(yml, null, Map.of()));
        Rules rules = TriageSettings.rules(config);
        assertThat(rules.names()).containsExactly("isac", "noise");
        assertThat(rules.rules().get(0).match().subject().pattern()).isEqualTo("a, b");
        assertThat(ConfigReport.render(config)).contains("2 rule(s): isac, noise");
    }

    @Test
    void rulesFileNamedByTheSetting() throws Exception {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, "rules:\n  - {name: vendor, match: {from: vendor.example}, labels: [vendor]}\n");
        Config config = ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(Map.of(
                "EMAIL_INTEL_MICROSOFT_RULES_FILE", file.toString())));
        assertThat(TriageSettings.rules(config).names()).containsExactly("vendor");
        assertThat(ConfigReport.render(config)).contains(file + " (1 rule(s): vendor)");
    }

    @Test
    void badRulesFailAtStartUpNamingKeySourceAndExpectation() throws Exception {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, "- {name: a, tlp: purple}\n");
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(Map.of(
                "EMAIL_INTEL_MICROSOFT_RULES_FILE", file.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EMAIL_INTEL_MICROSOFT_RULES_FILE (email_intel_microsoft.rules_file, "
                        + "environment (EMAIL_INTEL_MICROSOFT_RULES_FILE)): rule 1 (a): tlp: expected one of clear");
    }

    @Test
    void rulesInTwoPlacesAreRefused() throws Exception {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, "[]\n");
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(Map.of(
                "EMAIL_INTEL_MICROSOFT_RULES_FILE", file.toString(),
                "EMAIL_INTEL_MICROSOFT_RULES", "[{name: a, tlp: red}]"))))
                .hasMessageContaining("expected the rules in one place");
    }

    @Test
    void rulesInlineInTheEnvironmentAsFlowYaml() {
        Config config = ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(Map.of("EMAIL_INTEL_MICROSOFT_RULES",
                "[{name: newsletters, match: {subject: newsletter}, skip: true}]")));
        assertThat(TriageSettings.rules(config).names()).containsExactly("newsletters");
    }

    @Test
    void noRulesConfiguredIsNoRules() {
        Config config = ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(Map.of()));
        assertThat(TriageSettings.rules(config).isEmpty()).isTrue();
    }
}
