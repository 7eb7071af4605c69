package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import io.emailintel.config.ConfigReport;
import io.emailintel.fetcher.imap.ImapAccount;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImapSettingsTest {

    private static Map<String, String> imap() {
        Map<String, String> env = new HashMap<>();
        env.put("FETCHER_SOURCE", "imap");
        env.put("IMAP_HOST", "imap.example.org");
        env.put("IMAP_USER", "cti@example.org");
        return env;
    }

    @Test
    void imapNeedsHostUserAndPasswordAndNamesEachMissingKey() {
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(
                Map.of("FETCHER_SOURCE", "imap"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("IMAP_HOST").hasMessageContaining("IMAP_USER").hasMessageContaining("IMAP_PASSWORD")
                .hasMessageContaining("FETCHER_SOURCE is imap, IMAP_AUTH is password")
                .hasMessageNotContaining("EMAIL_INTEL_MICROSOFT_TENANT_ID");
    }

    @Test
    void aRefreshTokenLoginNeedsItsClientIdAndRefreshTokenNotAPassword() {
        Map<String, String> env = imap();
        env.put("IMAP_AUTH", "xoauth2-refresh-token");
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env)))
                .hasMessageContaining("IMAP_OAUTH_CLIENT_ID").hasMessageContaining("IMAP_OAUTH_REFRESH_TOKEN")
                .hasMessageNotContaining("IMAP_PASSWORD");
        env.put("IMAP_OAUTH_CLIENT_ID", "client");
        env.put("IMAP_OAUTH_REFRESH_TOKEN", "1//refresh");
        assertThat(ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env))
                .get(FetcherSettings.IMAP_OAUTH_TOKEN_URL)).hasToString("https://oauth2.googleapis.com/token");
    }

    @Test
    void clientCredentialsUseTheAzureAppAndNeedExactlyOneOfItsCredentials() {
        Map<String, String> env = imap();
        env.put("IMAP_AUTH", "xoauth2-client-credentials");
        env.put("EMAIL_INTEL_MICROSOFT_TENANT_ID", "t");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_ID", "c");
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env)))
                .hasMessageContaining("no credential").hasMessageNotContaining("EMAIL_INTEL_MICROSOFT_EMAIL");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "s");
        ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env));
    }

    @Test
    void theTlsModeChoosesTheDefaultPortAndAnUnknownModeIsRefused() {
        Map<String, String> env = imap();
        env.put("IMAP_PASSWORD", "pw");
        env.put("IMAP_TLS", "starttls");
        ImapAccount account = FetcherRuntime.imapAccount(ConfigLoader.load(FetcherSettings.schema(),
                ConfigInputs.ofEnvironment(env)), Clock.systemUTC());
        assertThat(account.port()).isEqualTo(143);
        assertThat(account.tls()).isEqualTo(ImapAccount.Tls.STARTTLS);
        assertThat(account.folder()).isEqualTo("INBOX");
        env.put("IMAP_TLS", "none");
        assertThatThrownBy(() -> ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env)))
                .hasMessageContaining("IMAP_TLS").hasMessageContaining("implicit, starttls");
    }

    @Test
    void secretsAreNeverShown() {
        Map<String, String> env = imap();
        env.put("IMAP_PASSWORD", "hunter2-imap");
        env.put("IMAP_OAUTH_CLIENT_SECRET", "client-secret-xyz");
        env.put("IMAP_OAUTH_REFRESH_TOKEN", "1//refresh-abc");
        var config = ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.ofEnvironment(env));
        String shown = ConfigReport.render(config);
        assertThat(shown).contains("IMAP_PASSWORD").doesNotContain("hunter2-imap").doesNotContain("client-secret-xyz")
                .doesNotContain("1//refresh-abc");
        assertThat(FetcherRuntime.imapAccount(config, Clock.systemUTC()).toString()).doesNotContain("hunter2-imap")
                .contains("cti@example.org on imap.example.org:993");
    }
}
