package io.emailintel.ingester;

import io.emailintel.testing.ReadmeTables;
import org.junit.jupiter.api.Test;

class IngesterSettingsReadmeTest {

    @Test
    void readmeTableMatchesTheDeclarations() throws Exception {
        ReadmeTables.assertInSync("ingester", IngesterSettings.OWN);
    }
}
