package io.emailintel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.config.CommonSettings;
import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import io.emailintel.config.ConfigSchema;
import io.emailintel.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTrustTest {

    @TempDir
    Path dir;

    @Test
    void aBundleOfSeveralCasWithCommentsBetweenThemLoadsEveryCertificate() throws Exception {
        String a = Files.readString(TestCa.create(dir.resolve("a")).caPem());
        String b = Files.readString(TestCa.create(dir.resolve("b")).caPem());
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# Issuer: CN=Email Intel Test CA a\n" + a + "\n# the second one\n" + b);

        TlsTrust trust = TlsTrust.withCaFile(bundle);

        assertThat(trust.extraCas()).hasSize(2);
        assertThat(trust.extraCas()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=Email Intel Test CA a", "CN=Email Intel Test CA b");
        assertThat(trust.caFile()).contains(bundle);
        assertThat(trust.sslContext()).isSameAs(trust.sslContext());
        assertThat(trust.toString()).contains("2 CA certificate(s)").contains(bundle.toString());
    }

    @Test
    void aMissingFileOrAFileWithoutCertificatesIsRefusedNamingTheFile() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> TlsTrust.withCaFile(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsTrust.withCaFile(key)).hasMessageContaining("no PEM certificate")
                .hasMessageContaining(key.toString());
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TlsTrust.withCaFile(broken)).hasMessageContaining("certificate 1 in " + broken);
    }

    @Test
    void anUnreadableCaFileStopsTheStartNamingTheSettingAndTheFile() {
        ConfigSchema schema = new ConfigSchema("t", CommonSettings.ALL, List.of());
        Path missing = dir.resolve("missing-ca.pem");

        assertThatThrownBy(() -> ConfigLoader.load(schema,
                ConfigInputs.read(null, null, Map.of("TLS_CA_FILE", missing.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TLS_CA_FILE")
                .hasMessageContaining("PEM file")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void withoutACaFileTheJvmTrustStoreIsUsedAlone() {
        ConfigSchema schema = new ConfigSchema("t", CommonSettings.ALL, List.of());
        var config = ConfigLoader.load(schema, ConfigInputs.read(null, null, Map.of()));

        assertThat(CommonSettings.tlsTrust(config)).isEqualTo(TlsTrust.jvm());
        assertThat(CommonSettings.brokerUri(config).trust().caFile()).isEmpty();
    }
}
