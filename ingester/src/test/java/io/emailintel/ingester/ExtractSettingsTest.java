package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.config.Config;
import io.emailintel.ingester.observables.ExtractMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractSettingsTest {

    private static final Map<String, String> DIR = Map.of("INGESTER_OUTPUT", "dir:out/demo");

    private static Map<String, String> with(String key, String value) {
        return Map.of("INGESTER_OUTPUT", "dir:out/demo", key, value);
    }

    @Test
    void extractionIsOffByDefault() throws Exception {
        Config c = new ConfigOptions().load(IngesterSettings.schema(), DIR);
        assertThat(c.get(IngesterSettings.EXTRACT)).isEqualTo("off");
        assertThat(IngesterSettings.extractor(c).mode()).isEqualTo(ExtractMode.OFF);
        assertThat(c.get(IngesterSettings.EXTRACT_MAX_OBSERVABLES)).isEqualTo(1000);
    }

    @Test
    void theModeIsOneOfThree() throws Exception {
        Config c = new ConfigOptions().load(IngesterSettings.schema(), with("EMAIL_INTEL_MICROSOFT_EXTRACT", "indicators"));
        assertThat(IngesterSettings.extractor(c).mode()).isEqualTo(ExtractMode.INDICATORS);
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(),
                with("EMAIL_INTEL_MICROSOFT_EXTRACT", "all"))).hasMessageContaining("email_intel_microsoft.extract");
    }

    @Test
    void anUnreadableOrBadExclusionFileStopsTheStartNamingTheKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(),
                with("EMAIL_INTEL_MICROSOFT_EXTRACT_EXCLUSIONS_FILE", dir.resolve("missing.txt").toString())))
                .hasMessageContaining("email_intel_microsoft.extract_exclusions_file")
                .hasMessageContaining("cannot read the exclusion list");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "10.0.0.0/99\n");
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(),
                with("EMAIL_INTEL_MICROSOFT_EXTRACT_EXCLUSIONS_FILE", bad.toString())))
                .hasMessageContaining("line 1");
    }

    @Test
    void theCapIsBounded() {
        assertThatThrownBy(() -> new ConfigOptions().load(IngesterSettings.schema(),
                with("EMAIL_INTEL_MICROSOFT_EXTRACT_MAX_OBSERVABLES", "100000")))
                .hasMessageContaining("at most 10000");
    }
}
