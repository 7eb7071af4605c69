package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.tls.TlsTrust;
import io.emailintel.topology.BrokerUri;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The default "amqp" protocol: publishes pycti's messages to the platform's push exchange, persistent,
 * {@code mandatory}, with publisher confirms. A push counts only when every message was confirmed and none
 * was returned (Spring AMQP's RepublishMessageRecovererWithConfirms rule).
 */
public final class PushPublisher implements BundleSink {

    private static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
            .deliveryMode(2)
            .contentEncoding("utf-8")
            .contentType("application/json")
            .build();

    private final Connection connection;
    private final Registration registration;
    private final Duration confirmTimeout;
    /** One confirm channel per concurrent push; channels are not shared between threads. */
    private final BlockingQueue<PooledChannel> idle = new ArrayBlockingQueue<>(256);

    private record PooledChannel(Channel channel, AtomicBoolean returned) {
    }

    private PushPublisher(Connection connection, Registration registration, Duration confirmTimeout) {
        this.connection = connection;
        this.registration = registration;
        this.confirmTimeout = confirmTimeout;
    }

    /**
     * Connects to the platform's broker as registered (after overrides); with {@code use_ssl} the broker's
     * certificate and host name are verified against {@code trust}.
     */
    public static PushPublisher connect(Registration registration, TlsTrust trust, Duration confirmTimeout,
                                        String connectionName) throws IOException, TimeoutException {
        Registration.PushBroker b = registration.broker();
        BrokerUri broker = BrokerUri.of(b.useSsl(), b.host(), b.port(), b.vhost(), b.user(), b.pass())
                .withTrust(trust);
        ConnectionFactory f = broker.connectionFactory();
        f.setTopologyRecoveryEnabled(false);
        f.setRequestedHeartbeat(ConnectionFactory.DEFAULT_HEARTBEAT);
        f.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, confirmTimeout.toMillis()));
        return new PushPublisher(broker.connect(f, connectionName), registration, confirmTimeout);
    }

    @Override
    public int expectations(StixBundle bundle) {
        return bundle.objects().size();
    }

    @Override
    public void push(String workId, StixBundle bundle) throws OpenCtiException {
        List<ObjectNode> parts = PushMessages.split(bundle);
        PooledChannel pooled = null;
        boolean healthy = false;
        try {
            pooled = borrow();
            pooled.returned().set(false);
            int seq = 1;
            for (ObjectNode part : parts) {
                byte[] body = PushMessages.body(part, seq++, registration.connectorUserId(), workId);
                pooled.channel().basicPublish(registration.pushExchange(), registration.pushRouting(), true,
                        PROPERTIES, body);
            }
            pooled.channel().waitForConfirmsOrDie(confirmTimeout.toMillis());
            if (pooled.returned().get()) {
                throw OpenCtiException.unavailable("opencti-push-returned", "the platform broker returned a push "
                        + "message: no queue bound to " + registration.pushExchange() + "/"
                        + registration.pushRouting(), null);
            }
            healthy = true;
        } catch (IOException | TimeoutException e) {
            throw OpenCtiException.unavailable("opencti-push-unconfirmed",
                    "the platform broker did not confirm the push: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpenCtiException.unavailable("interrupted", "interrupted while waiting for push confirms", e);
        } catch (RuntimeException e) {
            // amqp-client reports a closed channel as an unchecked ShutdownSignalException
            throw OpenCtiException.unavailable("opencti-push-unconfirmed", "push failed: " + e.getMessage(), e);
        } finally {
            if (pooled != null) {
                giveBack(pooled, healthy);
            }
        }
    }

    @Override
    public void checkReachable() throws OpenCtiException {
        if (!connection.isOpen()) {
            throw OpenCtiException.unavailable("opencti-broker-down", "the connection to the platform's broker "
                    + registration.broker() + " is down (recovering)", null);
        }
    }

    private PooledChannel borrow() throws IOException {
        PooledChannel p = idle.poll();
        if (p != null && p.channel().isOpen()) {
            return p;
        }
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        AtomicBoolean returned = new AtomicBoolean();
        ch.addReturnListener(r -> returned.set(true));
        return new PooledChannel(ch, returned);
    }

    private void giveBack(PooledChannel p, boolean healthy) {
        if (healthy && p.channel().isOpen() && idle.offer(p)) {
            return;
        }
        try {
            if (p.channel().isOpen()) {
                p.channel().close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // a broken channel is dropped either way
        }
    }

    @Override
    public void close() {
        try {
            if (connection.isOpen()) {
                connection.close(5_000);
            }
        } catch (IOException | RuntimeException e) {
            // shutting down
        }
    }
}
