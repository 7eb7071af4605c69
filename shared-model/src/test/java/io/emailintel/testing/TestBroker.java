package io.emailintel.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.topology.BrokerUri;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * A RabbitMQ broker for one test class: its URI, a queue prefix unique to the class, and clean-up of every
 * queue and exchange the test declared through it. Obtain it by a parameter of a test, a lifecycle method or
 * a constructor under {@link RabbitBrokerExtension}.
 */
public final class TestBroker implements AutoCloseable {

    private final String uri;
    private final String prefix;
    private final List<Topology> topologies = new CopyOnWriteArrayList<>();
    private final List<String> extraQueues = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    TestBroker(String uri, String testName) {
        this.uri = uri;
        String base = testName.replaceAll("[^A-Za-z0-9]", "").toLowerCase();
        this.prefix = "it-" + base.substring(0, Math.min(20, base.length())) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The broker's AMQP URI, e.g. {@code amqp://guest:guest@127.0.0.1:5672/%2F}. */
    public String uri() {
        return uri;
    }

    public BrokerUri brokerUri() {
        return BrokerUri.parse(uri);
    }

    /** A queue prefix no other test uses. */
    public String prefix() {
        return prefix;
    }

    /** A fresh prefix for a test that needs several isolated pipelines. */
    public String prefix(String suffix) {
        return prefix + "-" + suffix;
    }

    /** A new connection, closed when the test class ends. */
    public Connection connect() {
        try {
            Connection c = brokerUri().connect("test-" + prefix);
            connections.add(c);
            return c;
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to the test broker at " + brokerUri(), e);
        }
    }

    /** Declares the pipeline under this class's prefix, and deletes it when the class ends. */
    public Topology declare(List<Duration> retryDelays) {
        return declare(prefix, retryDelays);
    }

    /** Declares the pipeline under the given prefix, and deletes it when the class ends. */
    public Topology declare(String topologyPrefix, List<Duration> retryDelays) {
        Topology topology = new Topology(topologyPrefix, retryDelays);
        try {
            topology.declare(connect());
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot declare " + topology, e);
        }
        topologies.add(topology);
        return topology;
    }

    /** Registers a topology declared elsewhere (e.g. by the code under test) for clean-up. */
    public void deleteAfterwards(Topology topology) {
        topologies.add(topology);
    }

    /** Registers a queue declared elsewhere for clean-up. */
    public void deleteQueueAfterwards(String queue) {
        extraQueues.add(queue);
    }

    /** Messages ready in a queue (not counting unacknowledged ones). */
    public long messageCount(String queue) {
        try (Channel ch = connect().createChannel()) {
            return ch.messageCount(queue);
        } catch (IOException | TimeoutException e) {
            throw new UncheckedIOException(new IOException("cannot count " + queue, e));
        }
    }

    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        try (Connection c = brokerUri().connect("test-cleanup-" + prefix)) {
            for (Topology t : topologies) {
                try {
                    t.delete(c);
                } catch (IOException | TimeoutException e) {
                    failures.add(e);
                }
            }
            for (String q : extraQueues) {
                try (Channel ch = c.createChannel()) {
                    ch.queueDelete(q);
                } catch (IOException | TimeoutException e) {
                    failures.add(e);
                }
            }
        } catch (IOException | TimeoutException e) {
            failures.add(e);
        }
        for (Connection c : connections) {
            try {
                if (c.isOpen()) {
                    c.close();
                }
            } catch (IOException | RuntimeException e) {
                // closing is best effort
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("test broker clean-up failed: " + failures);
        }
    }
}
