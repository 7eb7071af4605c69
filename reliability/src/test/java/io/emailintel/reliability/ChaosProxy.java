package io.emailintel.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 between the child processes and a server (the broker, OpenCTI) that can be cut:
 * {@link #cut()} resets every live connection and stops listening, so new connections are refused (the port
 * is closed, as when the server or the network is down); {@link #restore()} listens again on the same port.
 */
final class ChaosProxy implements AutoCloseable {

    private final String name;
    private final InetSocketAddress target;
    private final int port;
    private final Set<Link> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger severed = new AtomicInteger();
    private volatile ServerSocket listener;
    private volatile boolean closed;
    /** Added before each chunk from the server is passed on: a slow network, which keeps the processes busy. */
    volatile long latencyMillis;

    /** One proxied connection: the child's socket and ours to the server. */
    private record Link(Socket client, Socket server) {
    }

    ChaosProxy(String name, String targetHost, int targetPort) throws IOException {
        this.name = name;
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.port = listen(0);
    }

    int port() {
        return port;
    }

    /** Connections taken so far (each one a client that reached the server through the proxy). */
    int accepted() {
        return accepted.get();
    }

    /** Connections that {@link #cut()} broke. */
    int severed() {
        return severed.get();
    }

    /** Resets every live connection and refuses new ones until {@link #restore()}. */
    synchronized void cut() throws IOException {
        ServerSocket l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
        for (Link link : live) {
            if (live.remove(link)) {
                severed.incrementAndGet();
                reset(link.client());
                reset(link.server());
            }
        }
    }

    /** Listens again on the same port. */
    synchronized void restore() throws IOException {
        if (listener == null && !closed) {
            listen(port);
        }
    }

    private int listen(int onPort) throws IOException {
        ServerSocket l = new ServerSocket();
        l.setReuseAddress(true); // the port has connections in TIME_WAIT after a cut
        l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 100);
        listener = l;
        daemon(name + "-accept", () -> accept(l)).start();
        return l.getLocalPort();
    }

    private void accept(ServerSocket l) {
        while (!l.isClosed()) {
            Socket client;
            try {
                client = l.accept();
            } catch (IOException e) {
                return; // cut or closed
            }
            Socket server = new Socket();
            try {
                server.connect(target, 5_000);
            } catch (IOException e) {
                reset(client);
                continue;
            }
            Link link = new Link(client, server);
            synchronized (this) { // a cut() either sees this link or has already closed the listener
                if (listener != l) {
                    reset(client);
                    reset(server);
                    continue;
                }
                accepted.incrementAndGet();
                live.add(link);
            }
            daemon(name + "-up", () -> pump(link, client, server, false)).start();
            daemon(name + "-down", () -> pump(link, server, client, true)).start();
        }
    }

    private void pump(Link link, Socket from, Socket to, boolean slow) {
        byte[] buffer = new byte[32 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long latency = latencyMillis;
                if (slow && latency > 0) {
                    Thread.sleep(latency);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away (or was cut): take the other side down too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live.remove(link);
            quietClose(from);
            quietClose(to);
        }
    }

    /** Closes with an RST rather than a FIN: the peer sees "connection reset", as after a network failure. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        quietClose(s);
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing either way
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        cut();
    }
}
