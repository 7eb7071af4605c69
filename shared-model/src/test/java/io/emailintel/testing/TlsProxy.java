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
import javax.net.ssl.SSLSocket;

/**
 * A TLS-terminating TCP proxy on 127.0.0.1: clients speak TLS to it (amqps, https) with the certificate of
 * the given server context, and it forwards the plain bytes to a target such as the local RabbitMQ on 5672.
 * The machine's broker has no TLS listener and is not ours to reconfigure; this makes the clients' TLS real.
 * It counts completed and failed handshakes, so a test can prove the traffic went through TLS.
 */
public final class TlsProxy implements AutoCloseable {

    private final ServerSocket server;
    private final SSLContext context;
    private volatile boolean needClientAuth;
    private volatile String[] protocols;
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
        // plain TCP accepted here, TLS layered on it per connection: a refused handshake can then be ended without
        // a reset (see refuse)
        this.context = serverContext;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
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
        needClientAuth = true;
        // TLS 1.2: a missing client certificate fails the handshake itself. Under TLS 1.3 the server's
        // certificate_required alert comes after the client's Finished, so whether the client sees a refused
        // handshake or a reset at its first read is a race (RFC 8446 §4.4.2.4); the tests want the refusal.
        protocols = new String[] {"TLSv1.2"};
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
                Socket plain = server.accept();
                open.add(plain);
                Thread t = new Thread(() -> serve(plain), "tls-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket plain) {
        SSLSocket client;
        try {
            // not auto-closing: the JDK closes an auto-closing socket right after its alert
            client = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
            client.setUseClientMode(false);
            client.setNeedClientAuth(needClientAuth);
            if (protocols != null) {
                client.setEnabledProtocols(protocols);
            }
            open.add(client);
            plain.setSoTimeout(10_000);
            client.startHandshake();
            plain.setSoTimeout(0);
        } catch (IOException e) {
            failedHandshakes.incrementAndGet();
            refuse(plain);
            return;
        }
        handshakes.incrementAndGet();
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
            closeQuietly(plain);
            return;
        }
        open.add(target);
        Thread up = new Thread(() -> pump(client, target), "tls-proxy-up");
        up.setDaemon(true);
        up.start();
        pump(target, client);
        closeQuietly(plain); // not closed with the TLS socket layered on it
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

    /**
     * Ends a failed handshake so the client reads the alert the JDK wrote: closing at once, with the client's last
     * handshake records still unread here, makes the kernel answer with a reset, which can reach the client before
     * the alert and replace it ("Connection reset" instead of "bad_certificate": RFC 5246 §7.2.2 / RFC 8446 §6.2
     * say the alert is sent, not that the client gets to read it). So the sending side is shut (a FIN after the
     * alert) and whatever the client still sends is read and dropped until it closes, for at most a second.
     */
    private static void refuse(Socket plain) {
        try {
            plain.shutdownOutput();
            plain.setSoTimeout(1_000);
            InputStream in = plain.getInputStream();
            byte[] sink = new byte[4096];
            long until = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < until && in.read(sink) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // the client closed or reset first: nothing more to do
        } finally {
            closeQuietly(plain);
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
