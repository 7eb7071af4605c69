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
    private final Path dir;

    private TestCa(Path caPem, SSLContext serverContext, Path dir) {
        this.caPem = caPem;
        this.serverContext = serverContext;
        this.dir = dir;
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
            return new TestCa(caPem, ctx, dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test CA in " + dir, e);
        }
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
