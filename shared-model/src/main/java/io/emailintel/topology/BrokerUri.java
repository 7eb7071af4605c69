package io.emailintel.topology;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.emailintel.tls.TlsTrust;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A pipeline broker address: {@code amqp://user:pass@host[:port][,host2[:port]…]/vhost}, or {@code amqps://}
 * for TLS. Several hosts are the nodes of a RabbitMQ cluster: amqp-client shuffles the list before every
 * connection and every automatic-recovery attempt ({@code AddressResolver.maybeShuffle}, called by
 * {@code RecoveryAwareAMQConnectionFactory.newConnection}, rabbitmq-java-client 5.x) and takes the first node that
 * answers, so processes spread over the nodes and a process whose node died recovers on any other. TLS always verifies the server certificate and host name, against a {@link TlsTrust}: the
 * JVM's trust store by default, plus a private CA's PEM bundle with {@link #withTrust(TlsTrust)}. A
 * certificate that is not trusted fails the connection with a message naming the broker.
 *
 * <p>{@link #toString()} never shows the password.
 */
public final class BrokerUri {

    private final boolean tls;
    private final List<Address> addresses;
    private final String username;
    private final String password;
    private final String virtualHost;
    private final TlsTrust trust;

    private BrokerUri(boolean tls, List<Address> addresses, String username, String password, String virtualHost,
                      TlsTrust trust) {
        this.tls = tls;
        this.addresses = List.copyOf(addresses);
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
        this.trust = Objects.requireNonNull(trust, "trust");
    }

    /**
     * One broker given by its parts, as OpenCTI announces its own at registration.
     *
     * @throws IllegalArgumentException when the port is out of range or the host blank
     */
    public static BrokerUri of(boolean tls, String host, int port, String virtualHost, String username,
                               String password) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no broker host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid broker port " + port);
        }
        return new BrokerUri(tls, List.of(new Address(host, port)), username == null ? "" : username,
                password == null ? "" : password, virtualHost == null || virtualHost.isEmpty() ? "/" : virtualHost,
                TlsTrust.jvm());
    }

    /** The same broker, with TLS ({@code amqps}) verified against {@code tlsTrust}. */
    public BrokerUri withTrust(TlsTrust tlsTrust) {
        return new BrokerUri(tls, addresses, username, password, virtualHost, tlsTrust);
    }

    /**
     * Parses a broker URI.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the password)
     */
    public static BrokerUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        String s = uri.strip();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("expected amqp://host or amqps://host, got no scheme");
        }
        String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new IllegalArgumentException("scheme must be amqp or amqps, was '" + scheme + "'");
        }
        boolean tls = scheme.equals("amqps");
        String rest = s.substring(schemeEnd + 3);
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String vhost = slash < 0 || slash == rest.length() - 1 ? "/" : decode(rest.substring(slash + 1));
        String user = "guest";
        String pass = "guest";
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        if (authority.isBlank()) {
            throw new IllegalArgumentException("no host in broker URI");
        }
        int defaultPort = tls ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
        List<Address> addresses = new ArrayList<>();
        for (String hostPort : authority.split(",")) {
            addresses.add(parseAddress(hostPort.strip(), defaultPort));
        }
        return new BrokerUri(tls, addresses, user, pass, vhost, TlsTrust.jvm());
    }

    private static Address parseAddress(String hostPort, int defaultPort) {
        if (hostPort.isEmpty()) {
            throw new IllegalArgumentException("empty host in broker URI host list");
        }
        String host = hostPort;
        int port = defaultPort;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed IPv6 bracket in '" + hostPort + "'");
            }
            host = hostPort.substring(1, close);
            if (hostPort.length() > close + 1) {
                port = parsePort(hostPort.substring(close + 2), hostPort);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) {
                host = hostPort.substring(0, colon);
                port = parsePort(hostPort.substring(colon + 1), hostPort);
            }
        }
        return new Address(host, port);
    }

    private static int parsePort(String port, String hostPort) {
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in '" + hostPort + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public boolean tls() {
        return tls;
    }

    public List<Address> addresses() {
        return addresses;
    }

    public String username() {
        return username;
    }

    public String virtualHost() {
        return virtualHost;
    }

    /** What TLS connections verify the broker's certificate against. */
    public TlsTrust trust() {
        return trust;
    }

    /** A factory with credentials, TLS, and automatic connection and consumer recovery switched on. */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        // Our exchanges and queues are durable and declared on short-lived channels: the broker keeps them across
        // a connection loss, and re-declaring them through their closed channels only logs errors. Consumers are
        // what recovery must bring back.
        factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterExchange(RecordedExchange exchange) {
                return false;
            }

            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return false;
            }

            @Override
            public boolean filterBinding(RecordedBinding binding) {
                return false;
            }
        });
        factory.setNetworkRecoveryInterval(2_000);
        factory.setRequestedHeartbeat(30);
        factory.setConnectionTimeout(10_000);
        if (tls) {
            factory.useSslProtocol(trust.sslContext());
            factory.enableHostnameVerification();
        }
        return factory;
    }

    /** Opens a connection to a reachable address (in random order), named so operators see who is connected. */
    public Connection connect(String connectionName) throws IOException, TimeoutException {
        return connect(connectionFactory(), connectionName);
    }

    /**
     * Opens a connection with a factory made by {@link #connectionFactory()} and then adjusted. A TLS
     * handshake failure (an untrusted or wrong certificate) becomes one {@link BrokerTlsException} that names
     * the broker and the reason, instead of the JDK's certificate-path internals; a refused login or vhost
     * becomes a {@link BrokerAccessRefusedException} naming the broker, the user and the vhost.
     */
    public Connection connect(ConnectionFactory factory, String connectionName) throws IOException, TimeoutException {
        try {
            return factory.newConnection(addresses, connectionName);
        } catch (IOException e) {
            Optional<String> refused = BrokerStartup.refusal(e);
            if (refused.isPresent()) {
                throw new BrokerAccessRefusedException("the broker " + hosts() + " refused user '" + username
                        + "' on vhost '" + virtualHost + "' (check the user, its password and its permissions on "
                        + "the vhost): " + refused.get(), e);
            }
            Optional<SSLException> ssl = TlsTrust.tlsFailure(e);
            if (!tls || ssl.isEmpty()) {
                throw e;
            }
            BrokerTlsException clear = new BrokerTlsException("TLS connection to the broker " + hosts()
                    + " refused: " + TlsTrust.explain(ssl.get()));
            clear.addSuppressed(e); // the JDK's detail stays available to a stack trace, not to the one-line message
            throw clear;
        }
    }

    private String hosts() {
        StringBuilder hosts = new StringBuilder();
        for (Address a : addresses) {
            if (hosts.length() > 0) {
                hosts.append(',');
            }
            hosts.append(a.getHost()).append(':').append(a.getPort());
        }
        return hosts.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BrokerUri other && tls == other.tls && addresses.equals(other.addresses)
                && username.equals(other.username) && password.equals(other.password)
                && virtualHost.equals(other.virtualHost) && trust.equals(other.trust);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, addresses, username, virtualHost);
    }

    @Override
    public String toString() {
        String hosts = hosts();
        String vhost = "/".equals(virtualHost) ? "%2F" : virtualHost;
        return (tls ? "amqps" : "amqp") + "://" + username + ":****@" + hosts + "/" + vhost;
    }
}
