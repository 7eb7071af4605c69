package io.emailintel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSamplesTest {

    static final Setting<String> REQUIRED = Setting.builder("opencti.url", ValueTypes.STRING).required()
            .description("platform").build();

    @TempDir
    Path dir;

    @Test
    void yamlSampleWithItsCommentsRemovedLoadsTheDefaults() throws Exception {
        List<Setting<?>> settings = new ArrayList<>(CommonSettings.ALL);
        String yaml = ConfigSamples.yaml(settings).replaceAll("(?m)^  # ([a-z_]+: )", "  $1");
        Path file = dir.resolve("config.yml");
        Files.writeString(file, yaml);
        Config config = ConfigLoader.load(new ConfigSchema("t", settings, List.of()),
                ConfigInputs.read(file, null, Map.of()));
        for (Setting<?> s : settings) {
            if (s.defaultValue() == null) {
                assertThat(config.get(s)).as(s.key()).isNull();
                continue;
            }
            assertThat(config.sourceOf(s).kind()).as(s.key()).isEqualTo(ConfigSource.Kind.YAML);
            assertThat(config.get(s)).as(s.key()).isEqualTo(s.parse(s.defaultValue()));
        }
    }

    @Test
    void envSampleNamesEveryVariableAndLeavesRequiredOnesActive() {
        String env = ConfigSamples.dotenv(List.of(REQUIRED, CommonSettings.QUEUE_PREFIX));
        assertThat(env).contains("\nOPENCTI_URL=\n").contains("# PIPELINE_QUEUE_PREFIX=email-intel")
                .contains("# platform (required) [string]");
    }
}
