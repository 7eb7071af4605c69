package io.emailintel.fetcher;

import io.emailintel.testing.ReadmeTables;
import org.junit.jupiter.api.Test;

class FetcherSettingsReadmeTest {

    @Test
    void theReadmeTableListsEveryFetcherSetting() throws Exception {
        ReadmeTables.assertInSync("fetcher", FetcherSettings.OWN);
    }
}
