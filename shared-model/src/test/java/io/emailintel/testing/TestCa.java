package io.emailintel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A private certificate authority made with the JDK's keytool when a test runs (no binary keystore in the
 * repository), and a server certificate it signed: the CA as the PEM file an operator would give
 * {@code TLS_CA_FILE}, the server side as a TLS context for {@link TlsProxy}.
 */
public final class TestCa {

    private static final String PASSWORD = "changeit";

    private final Path caPem;
    private final SSLContext serverContext;
    private final javax.net.ssl.KeyManager[] serverKeys;
    private final Path dir;

    private TestCa(Path caPem, SSLContext serverContext, javax.net.ssl.KeyManager[] serverKeys, Path dir) {
        this.caPem = caPem;
        this.serverContext = serverContext;
        this.serverKeys = serverKeys;
        this.dir = dir;
    }

    /** A client's certificate this CA signed (clientAuth), and its private key, both PEM files. */
    public record ClientCertificate(Path certificatePem, Path keyPem) {
    }

    /** A CA and a server certificate for {@code 127.0.0.1} and {@code localhost}. */
    public static TestCa create(Path dir) {
        return create(dir, "ip:127.0.0.1,dns:localhost");
    }

    /** A CA and a server certificate for the given subject alternative names (keytool's SAN syntax). */
    public static TestCa create(Path dir, String subjectAlternativeNames) {
        try {
            Files.createDirectories(dir);
            Path ca = dir.resolve("ca.p12");
            Path caPem = dir.resolve("ca.pem");
            Path server = dir.resolve("server.p12");
            Path csr = dir.resolve("server.csr");
            Path serverPem = dir.resolve("server.pem");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=Email Intel Test CA " + dir.getFileName(), "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                    "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                    "-file", caPem.toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=email-intel-test-server", "-keystore", server.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", PASSWORD,
                    "-file", csr.toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                    "-infile", csr.toString(), "-outfile", serverPem.toString(), "-validity", "2",
                    "-ext", "SAN=" + subjectAlternativeNames, "-ext", "ku:c=digitalSignature,keyEncipherment",
                    "-ext", "eku=serverAuth");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(server)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            // the key with its chain (server certificate the CA signed, then the CA), without two more keytool runs
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Certificate[] chain = new Certificate[2];
            try (InputStream signed = Files.newInputStream(serverPem); InputStream root = Files.newInputStream(caPem)) {
                chain[0] = x509.generateCertificate(signed);
                chain[1] = x509.generateCertificate(root);
            }
            ks.setKeyEntry("server", ks.getKey("server", PASSWORD.toCharArray()), PASSWORD.toCharArray(), chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new TestCa(caPem, ctx, kmf.getKeyManagers(), dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test CA in " + dir, e);
        }
    }

    /**
     * The server's TLS context that also verifies client certificates against this CA (with
     * {@link TlsProxy#requireClientCertificates()}).
     */
    public SSLContext serverContextTrustingClients() {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            try (InputStream in = Files.newInputStream(caPem)) {
                anchors.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(serverKeys, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a client-verifying server context", e);
        }
    }

    /**
     * A client certificate for {@code name}, signed by this CA, with its chain (client, CA) in one PEM file and
     * the private key as PKCS#8 PEM: encrypted (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC: what {@code openssl
     * pkcs8 -topk8 -v2 aes-256-cbc} writes) when {@code passphrase} is given, plain otherwise.
     */
    public ClientCertificate clientCertificate(String name, String passphrase) {
        try {
            Path dir = caPem.getParent();
            Path ca = dir.resolve("ca.p12");
            Path client = dir.resolve(name + ".p12");
            Path csr = dir.resolve(name + ".csr");
            Path signed = dir.resolve(name + "-signed.pem");
            keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + name, "-keystore", client.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-certreq", "-alias", name, "-keystore", client.toString(), "-storepass", PASSWORD,
                    "-file", csr.toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                    "-infile", csr.toString(), "-outfile", signed.toString(), "-validity", "2",
                    "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=clientAuth");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(client)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            byte[] pkcs8 = ks.getKey(name, PASSWORD.toCharArray()).getEncoded();
            String keyPem;
            if (passphrase == null) {
                keyPem = pem("PRIVATE KEY", pkcs8);
            } else {
                String alg = "PBEWithHmacSHA256AndAES_256";
                byte[] salt = new byte[16];
                new java.security.SecureRandom().nextBytes(salt);
                byte[] iv = new byte[16];
                new java.security.SecureRandom().nextBytes(iv);
                javax.crypto.SecretKey pbeKey = javax.crypto.SecretKeyFactory.getInstance(alg)
                        .generateSecret(new javax.crypto.spec.PBEKeySpec(passphrase.toCharArray()));
                javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance(alg);
                cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, pbeKey, new javax.crypto.spec.PBEParameterSpec(salt,
                        10_000, new javax.crypto.spec.IvParameterSpec(iv)));
                byte[] encrypted = cipher.doFinal(pkcs8);
                // EncryptedPrivateKeyInfo knows the scheme by its PBES2 OID, not by the cipher's name
                java.security.AlgorithmParameters pbes2 = java.security.AlgorithmParameters.getInstance("PBES2");
                pbes2.init(cipher.getParameters().getEncoded());
                keyPem = pem("ENCRYPTED PRIVATE KEY", new javax.crypto.EncryptedPrivateKeyInfo(pbes2, encrypted)
                        .getEncoded());
            }
            Path certPem = dir.resolve(name + "-chain.pem");
            Files.writeString(certPem, Files.readString(signed) + Files.readString(caPem));
            Path keyFile = dir.resolve(name + "-key.pem");
            Files.writeString(keyFile, keyPem);
            return new ClientCertificate(certPem, keyFile);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a client certificate for " + name, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The CA certificate, PEM. */
    public Path caPem() {
        return caPem;
    }

    /** The server's TLS context: its key and the chain up to this CA. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /**
     * The server's certificate and its private key as PEM files (certificate then CA; the key PKCS #8), for servers
     * that read PEM rather than a Java keystore (Dovecot, OpenSSL-based tools).
     *
     * @return the certificate chain file; the key is {@code server-key.pem} beside it
     */
    public Path writeServerPem() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
                ks.load(in, PASSWORD.toCharArray());
            }
            java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes());
            String key = "-----BEGIN PRIVATE KEY-----\n"
                    + b64.encodeToString(ks.getKey("server", PASSWORD.toCharArray()).getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Path keyFile = dir.resolve("server-key.pem");
            Files.writeString(keyFile, key);
            Path chain = dir.resolve("server-chain.pem");
            Files.writeString(chain, Files.readString(dir.resolve("server.pem")).strip() + "\n"
                    + Files.readString(caPem).strip() + "\n");
            return chain;
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the server PEM files in " + dir, e);
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
