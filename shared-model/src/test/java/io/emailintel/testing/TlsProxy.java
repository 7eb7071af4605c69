package io.emailintel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS-terminating TCP proxy on 127.0.0.1: clients speak TLS to it (amqps, https) with the certificate of
 * the given server context, and it forwards the plain bytes to a target such as the local RabbitMQ on 5672.
 * The machine's broker has no TLS listener and is not ours to reconfigure; this makes the clients' TLS real.
 * It counts completed and failed handshakes, so a test can prove the traffic went through TLS.
 */
public final class TlsProxy implements AutoCloseable {

    private final SSLServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger failedHandshakes = new AtomicInteger();
    private volatile boolean closed;

    public TlsProxy(SSLContext serverContext, String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tls-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of the test broker (whatever host and port it has). */
    public static TlsProxy inFrontOf(TestBroker broker, SSLContext serverContext) throws IOException {
        var address = broker.brokerUri().addresses().get(0);
        return new TlsProxy(serverContext, address.getHost(), address.getPort());
    }

    /** The test broker's URI made {@code amqps://} through this proxy: same credentials and virtual host. */
    public String amqpsUri(TestBroker broker) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^amqps?://(?<user>[^@/]*@)?[^/]*(?<rest>.*)$")
                .matcher(broker.uri());
        if (!m.matches()) {
            throw new IllegalStateException("unexpected test broker URI form");
        }
        String user = m.group("user") == null ? "" : m.group("user");
        return "amqps://" + user + "127.0.0.1:" + port() + m.group("rest");
    }

    /**
     * From now on, the proxy asks every client for a certificate and refuses one without (the server context
     * must trust their CA: {@link TestCa#serverContextTrustingClients()}).
     */
    public TlsProxy requireClientCertificates() {
        server.setNeedClientAuth(true);
        // TLS 1.2: a missing client certificate fails the handshake itself. Under TLS 1.3 the server's
        // certificate_required alert comes after the client's Finished, so whether the client sees a refused
        // handshake or a reset at its first read is a race (RFC 8446 §4.4.2.4); the tests want the refusal.
        server.setEnabledProtocols(new String[] {"TLSv1.2"});
        return this;
    }

    /** The local TLS port. */
    public int port() {
        return server.getLocalPort();
    }

    /** TLS handshakes completed with a client. */
    public int handshakes() {
        return handshakes.get();
    }

    /** TLS handshakes a client broke off (it refused the certificate) or that failed otherwise. */
    public int failedHandshakes() {
        return failedHandshakes.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SSLSocket client = (SSLSocket) server.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "tls-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(SSLSocket client) {
        try {
            client.setSoTimeout(10_000);
            client.startHandshake();
            client.setSoTimeout(0);
        } catch (IOException e) {
            failedHandshakes.incrementAndGet();
            closeQuietly(client);
            return;
        }
        handshakes.incrementAndGet();
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
            return;
        }
        open.add(target);
        Thread up = new Thread(() -> pump(client, target), "tls-proxy-up");
        up.setDaemon(true);
        up.start();
        pump(target, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(TlsProxy::closeQuietly);
    }
}
