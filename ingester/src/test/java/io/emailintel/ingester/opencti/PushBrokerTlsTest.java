package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.testing.TestCa;
import io.emailintel.tls.TlsTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pycti's MQ_USE_SSL_* values as it reads them: paths or PEM text, encrypted keys, legacy keys refused. */
class PushBrokerTlsTest {

    @TempDir
    static Path dir;
    private static TestCa ca;
    private static TestCa.ClientCertificate encrypted;
    private static TestCa.ClientCertificate plain;

    @BeforeAll
    static void certificates() {
        ca = TestCa.create(dir.resolve("ca"));
        encrypted = ca.clientCertificate("client-encrypted", "s3cret phrase");
        plain = ca.clientCertificate("client-plain", null);
    }

    @Test
    void nothingSetMeansTheCommonTrust() {
        assertThat(PushBrokerTls.context(null, null, null, null, true, TlsTrust.jvm())).isNull();
    }

    @Test
    void pathsAndPemTextAreBothAccepted() throws Exception {
        String keyText = Files.readString(plain.keyPem());
        assertThat(PushBrokerTls.isPemText(keyText)).isTrue();
        assertThat(PushBrokerTls.context(ca.caPem().toString(), plain.certificatePem().toString(), keyText, null, true,
                TlsTrust.jvm())).isNotNull();
        assertThat(PushBrokerTls.context(Files.readString(ca.caPem()), Files.readString(plain.certificatePem()),
                plain.keyPem().toString(), null, true, TlsTrust.jvm())).isNotNull();
    }

    @Test
    void aPassphraseProtectedKeyIsDecrypted() {
        assertThat(PushBrokerTls.privateKey(PushBrokerTls.text(encrypted.keyPem().toString(), "k"), "s3cret phrase",
                "MQ_USE_SSL_KEY").getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void aKeyEncryptedByOpenSslIsDecrypted() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl not installed");
        Path out = dir.resolve("openssl-encrypted.pem");
        Process p = new ProcessBuilder(openssl.toString(), "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in",
                plain.keyPem().toString(), "-out", out.toString(), "-passout", "pass:from openssl")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        assertThat(Files.readString(out)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(PushBrokerTls.privateKey(Files.readString(out), "from openssl", "MQ_USE_SSL_KEY").getEncoded())
                .isEqualTo(PushBrokerTls.privateKey(Files.readString(plain.keyPem()), null, "k").getEncoded());
    }

    @Test
    void aWrongOrMissingPassphraseNamesThePassphraseSetting() {
        String pem = PushBrokerTls.text(encrypted.keyPem().toString(), "k");
        assertThatThrownBy(() -> PushBrokerTls.privateKey(pem, "wrong", "MQ_USE_SSL_KEY"))
                .isInstanceOf(PushBrokerTls.Problem.class).hasMessageStartingWith("MQ_USE_SSL_PASSPHRASE:");
        assertThatThrownBy(() -> PushBrokerTls.privateKey(pem, null, "MQ_USE_SSL_KEY"))
                .hasMessageContaining("MQ_USE_SSL_PASSPHRASE").hasMessageContaining("encrypted");
    }

    @Test
    void aKeyInTheCertificatesPemIsFoundWithoutMqUseSslKey() throws Exception {
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(plain.certificatePem()) + Files.readString(plain.keyPem()));
        assertThat(PushBrokerTls.context(null, both.toString(), null, null, true, TlsTrust.jvm())).isNotNull();
    }

    @Test
    void legacyOpenSslKeysAreRefusedWithTheCommandThatConvertsThem() {
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK=\n-----END RSA PRIVATE KEY-----\n";
        assertThatThrownBy(() -> PushBrokerTls.privateKey(legacy, null, "MQ_USE_SSL_KEY"))
                .hasMessageStartingWith("MQ_USE_SSL_KEY:").hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void unreadableOrEmptyValuesNameTheirSetting() {
        assertThatThrownBy(() -> PushBrokerTls.context(dir.resolve("missing.pem").toString(), null, null, null, true,
                TlsTrust.jvm())).hasMessageStartingWith("MQ_USE_SSL_CA:").hasMessageContaining("cannot read");
        assertThatThrownBy(() -> PushBrokerTls.context(null, null, plain.keyPem().toString(), null, true,
                TlsTrust.jvm())).hasMessageStartingWith("MQ_USE_SSL_KEY:").hasMessageContaining("MQ_USE_SSL_CERT");
        assertThatThrownBy(() -> PushBrokerTls.certificates("no pem here", "MQ_USE_SSL_CERT"))
                .hasMessageStartingWith("MQ_USE_SSL_CERT:");
    }

    @Test
    void aMangledKeyIsNeverEchoed() {
        String mangled = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ-secret-material";
        assertThatThrownBy(() -> PushBrokerTls.context(null, plain.certificatePem().toString(), mangled, null, true,
                TlsTrust.jvm())).hasMessageStartingWith("MQ_USE_SSL_KEY:").hasMessageNotContaining("secret-material");
    }

    @Test
    void notVerifyingNeedsNoFiles() {
        assertThat(PushBrokerTls.context(null, null, null, null, false, TlsTrust.jvm())).isNotNull();
    }
}
