package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.ComposeFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compose stack and the samples speak the fetcher's configuration (no Docker engine needed). */
class FetcherComposeTest {

    @Test
    void composeServiceAndSamplesMatchTheSettings() throws Exception {
        ComposeFile.assertServiceMatches("fetcher", FetcherSettings.schema());
        ComposeFile.assertYamlSampleDocuments(FetcherSettings.schema());
    }

    @Test
    void theStackTestOverrideSetsOnlyFetcherSettings() throws Exception {
        ComposeFile.assertOverrideUsesSettings("fetcher", FetcherSettings.schema());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFetcherIsASingletonWithItsStateOnAVolume() throws Exception {
        Map<String, Object> fetcher = ComposeFile.service("fetcher");
        assertThat((Map<String, Object>) fetcher.get("deploy")).containsEntry("replicas", 1);
        assertThat((List<String>) fetcher.get("volumes")).contains("fetcher-state:/app/state");
        assertThat((Map<String, Object>) fetcher.get("environment")).containsEntry("FETCHER_STATE_DIR", "/app/state");
        assertThat((Map<String, Object>) ComposeFile.load().get("volumes")).containsKey("fetcher-state");
        assertThat(fetcher).containsKeys("restart", "stop_grace_period", "depends_on");
    }
}
