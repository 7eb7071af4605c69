package io.emailintel.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates a TLS client of ours trusts: the JVM's trust store (the public CAs, or whatever
 * {@code javax.net.ssl.trustStore} names) plus, optionally, the CA certificates of a PEM bundle
 * ({@code TLS_CA_FILE}), which are <em>added</em> to the JVM's, never replacing them. Certificates and host
 * names are always verified with it; it is used for {@code amqps://} to both brokers and for https to OpenCTI.
 */
public final class TlsTrust {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*?)-----END CERTIFICATE-----");

    private final Path caFile;
    private final List<X509Certificate> extraCas;
    private volatile SSLContext context;

    private TlsTrust(Path caFile, List<X509Certificate> extraCas) {
        this.caFile = caFile;
        this.extraCas = List.copyOf(extraCas);
    }

    /** The JVM's trust store only. */
    public static TlsTrust jvm() {
        return new TlsTrust(null, List.of());
    }

    /**
     * The JVM's trust store plus every certificate in a PEM file (one or more
     * {@code -----BEGIN CERTIFICATE-----} blocks; text between them, as in distribution bundles, is ignored).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TlsTrust withCaFile(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        String text;
        try {
            text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read CA file " + pemFile + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate " + (certificates.size() + 1) + " in " + pemFile
                    + " is not a valid X.509 certificate", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + pemFile);
        }
        return new TlsTrust(pemFile, certificates);
    }

    /** The PEM bundle added to the JVM's trust store, if any. */
    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /** The certificates of the PEM bundle (empty for {@link #jvm()}). */
    public List<X509Certificate> extraCas() {
        return extraCas;
    }

    /** A TLS context that verifies servers against this trust (built once). */
    public SSLContext sslContext() {
        SSLContext c = context;
        if (c == null) {
            synchronized (this) {
                if (context == null) {
                    context = build();
                }
                c = context;
            }
        }
        return c;
    }

    private SSLContext build() {
        try {
            if (extraCas.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate jvmCa : jvmTrustManager().getAcceptedIssuers()) {
                anchors.setCertificateEntry("jvm-" + n++, jvmCa);
            }
            for (X509Certificate extra : extraCas) {
                anchors.setCertificateEntry("ca-file-" + n++, extra);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context with " + this, e);
        }
    }

    private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }

    /**
     * The TLS failure somewhere in a connection error's causes, if there is one: handshake errors arrive
     * wrapped differently by amqp-client and the JDK's HTTP client.
     */
    public static Optional<SSLException> tlsFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException ssl) {
                return Optional.of(ssl);
            }
        }
        return Optional.empty();
    }

    /**
     * What went wrong in a TLS handshake, in an operator's words (the JDK's messages name internal classes):
     * an untrusted issuer, a certificate for another host, an expired certificate, or the JDK's own text.
     */
    public static String explain(SSLException failure) {
        boolean untrusted = false;
        String hostMismatch = null;
        boolean expired = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String msg = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertPathBuilderException || msg.contains("unable to find valid certification path")) {
                untrusted = true;
            } else if (t instanceof CertificateExpiredException
                    || t instanceof CertPathValidatorException v && v.getReason()
                    == CertPathValidatorException.BasicReason.EXPIRED) {
                expired = true;
            } else if (t instanceof CertificateException && (msg.startsWith("No subject alternative")
                    || msg.startsWith("No name matching"))) {
                hostMismatch = msg;
            }
        }
        if (untrusted) {
            return "its certificate is not signed by a trusted CA (add the CA to TLS_CA_FILE)";
        }
        if (hostMismatch != null) {
            return "its certificate is for another host (" + hostMismatch + ")";
        }
        if (expired) {
            return "its certificate has expired";
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsTrust other && Objects.equals(caFile, other.caFile)
                && extraCas.equals(other.extraCas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(caFile, extraCas);
    }

    @Override
    public String toString() {
        return caFile == null ? "the JVM trust store"
                : "the JVM trust store and " + extraCas.size() + " CA certificate(s) from " + caFile;
    }
}
