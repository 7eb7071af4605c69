package io.emailintel.fetcher.fake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool when the tests start (no binary
 * keystore in the repository), and made the JVM's trust store: azure-identity insists on an https authority,
 * and this is how an operator would trust a private CA too.
 */
public final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static SSLContext serverContext;
    private static Path clientCertificate;

    private TestTls() {
    }

    /** The server side's TLS context; the first call also installs the trust store for the whole JVM. */
    public static synchronized SSLContext serverContext() {
        if (serverContext != null) {
            return serverContext;
        }
        try {
            Path dir = Files.createTempDirectory("fake-graph-tls");
            dir.toFile().deleteOnExit();
            Path keystore = dir.resolve("server.p12");
            Path cert = dir.resolve("server.crt");
            Path truststore = dir.resolve("trust.p12");
            keytool("-genkeypair", "-alias", "fake", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                    "-keypass", "changeit");
            keytool("-exportcert", "-alias", "fake", "-keystore", keystore.toString(), "-storepass", "changeit",
                    "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", "fake", "-file", cert.toString(), "-keystore",
                    truststore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
            System.setProperty("javax.net.ssl.trustStore", truststore.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            serverContext = ctx;
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test TLS certificate", e);
        }
    }

    /** A PFX client certificate (password {@code changeit}) for the client-certificate credential. */
    public static synchronized Path clientCertificate() {
        if (clientCertificate == null) {
            try {
                Path dir = Files.createTempDirectory("fake-graph-client");
                Path pfx = dir.resolve("client.pfx");
                keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                        "-dname", "CN=email-intel-test-client", "-keystore", pfx.toString(), "-storetype", "PKCS12",
                        "-storepass", "changeit", "-keypass", "changeit");
                clientCertificate = pfx;
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the test client certificate", e);
            }
        }
        return clientCertificate;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(tool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }
}
