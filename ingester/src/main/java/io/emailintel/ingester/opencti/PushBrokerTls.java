package io.emailintel.ingester.opencti;

import io.emailintel.tls.TlsTrust;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS side of the connection to the platform's broker with pycti's options (pycti/connector/
 * opencti_connector_helper.py {@code create_mq_ssl_context}, 6.8): {@code MQ_USE_SSL_CA} adds CA certificates
 * to the default ones, {@code MQ_USE_SSL_CERT}/{@code MQ_USE_SSL_KEY}/{@code MQ_USE_SSL_PASSPHRASE} present a
 * client certificate, and each of CA, certificate and key is either a file path or the PEM text itself (pycti's
 * {@code is_memory_certificate}: text starting with {@code -----BEGIN}). Without a key, the key is read from
 * the certificate's PEM, as Python's {@code load_cert_chain(certfile)}. {@code MQ_USE_SSL_REJECT_UNAUTHORIZED}
 * false accepts any certificate and host name; pycti's default is that, ours is to verify.
 *
 * <p>Private keys: PKCS#8 ({@code BEGIN PRIVATE KEY}) and encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY},
 * PBES2 as OpenSSL 3 writes it). The legacy OpenSSL forms ({@code BEGIN RSA/EC PRIVATE KEY}) are refused with
 * the command that converts them.
 */
public final class PushBrokerTls {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s:,-]*?)-----END \\1-----");

    private PushBrokerTls() {
    }

    /** A setting's value that cannot be used, with the setting's name. */
    public static final class Problem extends IllegalArgumentException {
        private final String setting;

        Problem(String setting, String message, Throwable cause) {
            super(setting + ": " + message, cause);
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    /**
     * The TLS context for the platform's broker, or null when none of pycti's options is set (then the common
     * trust, {@code TLS_CA_FILE} and the JVM's, applies as for every other connection).
     *
     * @throws Problem naming the setting whose value cannot be used
     */
    public static SSLContext context(String ca, String cert, String key, String passphrase, boolean verify,
                                     TlsTrust common) {
        if (ca == null && cert == null && key == null && verify) {
            return null;
        }
        try {
            TrustManager[] trust = verify ? verifying(common, ca == null ? List.of()
                    : certificates(text(ca, "MQ_USE_SSL_CA"), "MQ_USE_SSL_CA")) : new TrustManager[] {TRUST_ANY};
            javax.net.ssl.KeyManager[] keys = null;
            if (cert != null) {
                String certText = text(cert, "MQ_USE_SSL_CERT");
                List<X509Certificate> chain = certificates(certText, "MQ_USE_SSL_CERT");
                PrivateKey privateKey = privateKey(key == null ? certText : text(key, "MQ_USE_SSL_KEY"), passphrase,
                        key == null ? "MQ_USE_SSL_CERT" : "MQ_USE_SSL_KEY");
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] storePass = "in-memory".toCharArray();
                ks.setKeyEntry("client", privateKey, storePass, chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, storePass);
                keys = kmf.getKeyManagers();
            } else if (key != null) {
                throw new Problem("MQ_USE_SSL_KEY", "set without MQ_USE_SSL_CERT (the certificate it belongs to)", null);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new Problem("MQ_USE_SSL_CERT", "cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** pycti's {@code is_memory_certificate}: PEM text, not a path. */
    static boolean isPemText(String value) {
        return value.strip().startsWith("-----BEGIN");
    }

    static String text(String value, String setting) {
        if (isPemText(value)) {
            return value;
        }
        try {
            return Files.readString(Path.of(value), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            // the key setting is secret: never echo it (a mangled PEM would otherwise end up in the log)
            String shown = setting.equals("MQ_USE_SSL_KEY") ? "it names" : value;
            throw new Problem(setting, "cannot read the file " + shown + " (" + e.getClass().getSimpleName()
                    + "; expected a file path or PEM text starting with -----BEGIN)", null);
        }
    }

    static List<X509Certificate> certificates(String pem, String setting) {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der(m.group(2)))));
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Problem(setting, "certificate " + (out.size() + 1) + " is not a valid X.509 certificate", e);
        }
        if (out.isEmpty()) {
            throw new Problem(setting, "no PEM certificate (-----BEGIN CERTIFICATE-----)", null);
        }
        return out;
    }

    static PrivateKey privateKey(String pem, String passphrase, String setting) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return decode(new PKCS8EncodedKeySpec(der(m.group(2))), setting);
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (passphrase == null || passphrase.isEmpty()) {
                        throw new Problem("MQ_USE_SSL_PASSPHRASE", "the key in " + setting + " is encrypted: set its "
                                + "passphrase", null);
                    }
                    return decode(decrypt(der(m.group(2)), passphrase), setting);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> throw new Problem(setting, "a legacy "
                        + "OpenSSL '" + type + "' key: convert it to PKCS#8 with 'openssl pkcs8 -topk8 -in key.pem "
                        + "-out key-pkcs8.pem' (add -nocrypt for no passphrase)", null);
                default -> {
                    // a certificate in the same PEM: look further
                }
            }
        }
        throw new Problem(setting, "no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE "
                + "KEY-----)", null);
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, String passphrase) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // PBES2 names its real algorithm in its parameters (e.g. PBEWithHmacSHA256AndAES_256)
            String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
            Key pbe = SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(passphrase.toCharArray()));
            Cipher cipher = Cipher.getInstance(alg);
            cipher.init(Cipher.DECRYPT_MODE, pbe, info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (GeneralSecurityException | IOException e) {
            throw new Problem("MQ_USE_SSL_PASSPHRASE", "cannot decrypt the private key (wrong passphrase, or an "
                    + "encryption this JVM does not know: " + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static PrivateKey decode(PKCS8EncodedKeySpec spec, String setting) {
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        throw new Problem(setting, "the private key is not an RSA, EC, EdDSA or DSA key", null);
    }

    private static byte[] der(String base64) {
        return Base64.getMimeDecoder().decode(base64.replaceAll("(?m)^[A-Za-z-]+:.*$", ""));
    }

    /** The JVM's CAs, those of TLS_CA_FILE and those of MQ_USE_SSL_CA: pycti adds its CA to the defaults. */
    private static TrustManager[] verifying(TlsTrust common, List<X509Certificate> extra)
            throws GeneralSecurityException, IOException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int n = 0;
        TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jvm.init((KeyStore) null);
        for (TrustManager tm : jvm.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (X509Certificate c : x509.getAcceptedIssuers()) {
                    anchors.setCertificateEntry("jvm-" + n++, c);
                }
            }
        }
        for (X509Certificate c : common.extraCas()) {
            anchors.setCertificateEntry("tls-ca-file-" + n++, c);
        }
        for (X509Certificate c : extra) {
            anchors.setCertificateEntry("mq-use-ssl-ca-" + n++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        return tmf.getTrustManagers();
    }

    /**
     * MQ_USE_SSL_REJECT_UNAUTHORIZED=false (and OPENCTI_SSL_VERIFY=false in {@link OpenCtiClient}). An
     * X509ExtendedTrustManager is also where JSSE checks the host name, so this one skips that too, for the
     * connection or client that uses it only (no JVM-wide switch).
     */
    static final X509ExtendedTrustManager TRUST_ANY = new X509ExtendedTrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
