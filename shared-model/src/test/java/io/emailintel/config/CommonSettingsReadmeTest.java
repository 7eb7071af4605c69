package io.emailintel.config;

import io.emailintel.testing.ReadmeTables;
import org.junit.jupiter.api.Test;

class CommonSettingsReadmeTest {

    @Test
    void readmeTableMatchesTheDeclarations() throws Exception {
        ReadmeTables.assertInSync("common", CommonSettings.ALL);
    }
}
