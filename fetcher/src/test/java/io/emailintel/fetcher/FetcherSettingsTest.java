package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FetcherSettingsTest {

    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put("EMAIL_INTEL_MICROSOFT_TENANT_ID", "t");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_ID", "c");
        env.put("EMAIL_INTEL_MICROSOFT_EMAIL", "cti@example.org");
        return env;
    }

    @Test
    void exactlyOneOfSecretOrCertificateIsRequired() {
        Map<String, String> none = base();
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(none)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no credential");

        Map<String, String> both = base();
        both.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "s");
        both.put("EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PATH", "/etc/cert.pem");
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(both)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set exactly one");

        Map<String, String> secret = base();
        secret.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "s");
        assertThat(ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(secret))
                .get(FetcherSettings.CLIENT_SECRET)).isEqualTo("s");
    }

    @Test
    void theAuthorityHostMustBeHttps() {
        Map<String, String> env = base();
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "s");
        env.put("EMAIL_INTEL_MICROSOFT_AUTHORITY_HOST", "http://login.example");
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EMAIL_INTEL_MICROSOFT_AUTHORITY_HOST");
    }

    @Test
    void graphNeedsTenantClientAndMailboxAndSaysSo() {
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(
                Map.of("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "s"))))
                .hasMessageContaining("EMAIL_INTEL_MICROSOFT_TENANT_ID").hasMessageContaining("EMAIL_INTEL_MICROSOFT_EMAIL")
                .hasMessageContaining("FETCHER_SOURCE is graph");
    }

    @Test
    void aDirectorySourceNeedsOnlyItsDirectoryAndNoGraphSecret() {
        var config = ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(
                Map.of("FETCHER_SOURCE", "eml-dir", "FETCHER_EML_DIR", "/srv/drop")));
        assertThat(FetcherSettings.isGraph(config)).isFalse();
        assertThat(config.get(FetcherSettings.EML_DIR)).hasToString("/srv/drop");
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(
                Map.of("FETCHER_SOURCE", "eml-dir"))))
                .hasMessageContaining("FETCHER_EML_DIR").hasMessageContaining("FETCHER_SOURCE is eml-dir");
    }
}
