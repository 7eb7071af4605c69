package io.emailintel.ingester.opencti;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The default "amqp" protocol: publishes pycti's messages to the platform's push exchange, persistent,
 * {@code mandatory}, with publisher confirms. A push counts only when every message was confirmed and none
 * was returned (Spring AMQP's RepublishMessageRecovererWithConfirms rule). Confirms are tracked
 * asynchronously ({@link ConfirmTracker}) on one shared confirm channel, so many pushes are in flight at once
 * and no thread waits for the broker's fsync; each message carries its publish sequence number as its
 * {@code message_id}, which ties a {@code basic.return} to its push (OpenCTI's workers read only the body).
 */
public final class PushPublisher implements BundleSink {

    private final Connection connection;
    private final Registration registration;
    private final Duration confirmTimeout;
    /** Guards {@link #current}: publishing and taking sequence numbers must not interleave between threads. */
    private final Object publishLock = new Object();
    private Confirming current;

    /** A confirm channel and the tracker of its outstanding publishes. */
    private record Confirming(Channel channel, ConfirmTracker tracker) {
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
        return connect(registration, trust, null, confirmTimeout, connectionName);
    }

    /**
     * As {@link #connect(Registration, TlsTrust, Duration, String)}, with {@code tls} (pycti's
     * {@code MQ_USE_SSL_*}: {@link PushBrokerTls}) instead of {@code trust} when not null: its trust and client
     * certificate. Host names stay verified unless its trust accepts anything.
     */
    public static PushPublisher connect(Registration registration, TlsTrust trust, javax.net.ssl.SSLContext tls,
                                        Duration confirmTimeout, String connectionName)
            throws IOException, TimeoutException {
        Registration.PushBroker b = registration.broker();
        BrokerUri broker = BrokerUri.of(b.useSsl(), b.host(), b.port(), b.vhost(), b.user(), b.pass())
                .withTrust(trust);
        ConnectionFactory f = broker.connectionFactory();
        if (tls != null && b.useSsl()) {
            f.useSslProtocol(tls); // hostname verification, switched on by connectionFactory(), stays on
        }
        f.setTopologyRecoveryEnabled(false);
        f.setRequestedHeartbeat(ConnectionFactory.DEFAULT_HEARTBEAT);
        f.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, confirmTimeout.toMillis()));
        return new PushPublisher(broker.connect(f, connectionName), registration, confirmTimeout);
    }

    /**
     * Publishes the bundle's messages and returns; the future completes once all of them are confirmed and
     * none was returned, and fails with a transient {@link OpenCtiException} when one was nacked or returned,
     * the channel went down, or the confirms took longer than the push timeout.
     */
    @Override
    public CompletableFuture<Void> push(String workId, StixBundle bundle) {
        List<byte[]> bodies = PushMessages.bodies(bundle, registration.connectorUserId());
        ConfirmTracker.Push push = new ConfirmTracker.Push();
        Confirming confirming = null;
        try {
            synchronized (publishLock) {
                confirming = confirming();
                for (byte[] body : bodies) {
                    long publishSeq = confirming.channel().getNextPublishSeqNo();
                    confirming.tracker().published(push, publishSeq);
                    confirming.channel().basicPublish(registration.pushExchange(), registration.pushRouting(), true,
                            properties(publishSeq), body);
                }
            }
            // only now may the push succeed: its first messages can be confirmed while the rest are still going out
            confirming.tracker().sealed(push);
        } catch (IOException | RuntimeException e) {
            // amqp-client reports a closed channel as an unchecked ShutdownSignalException
            if (confirming != null) {
                confirming.tracker().forget(push);
            }
            return CompletableFuture.failedFuture(OpenCtiException.unavailable("opencti-push-unconfirmed",
                    "push failed: " + e.getMessage(), e));
        }
        ConfirmTracker tracker = confirming.tracker();
        return push.done.orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((outcome, error) -> {
            if (error == null && outcome == null) {
                return null;
            }
            tracker.forget(push);
            throw new CompletionException(failure(outcome, error));
        });
    }

    private OpenCtiException failure(ConfirmTracker.Outcome outcome, Throwable error) {
        if (outcome == ConfirmTracker.Outcome.RETURNED) {
            return OpenCtiException.unavailable("opencti-push-returned", "the platform broker returned a push "
                    + "message: no queue bound to " + registration.pushExchange() + "/" + registration.pushRouting(),
                    null);
        }
        if (outcome == ConfirmTracker.Outcome.NACKED) {
            return OpenCtiException.unavailable("opencti-push-unconfirmed",
                    "the platform broker did not confirm the push: a message was nacked", null);
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String why = cause instanceof TimeoutException ? "no confirm within " + confirmTimeout : cause.toString();
        return OpenCtiException.unavailable("opencti-push-unconfirmed",
                "the platform broker did not confirm the push: " + why, cause);
    }

    private static AMQP.BasicProperties properties(long publishSeq) {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentEncoding("utf-8")
                .contentType("application/json")
                .messageId(Long.toString(publishSeq))
                .build();
    }

    /** The confirm channel, opened on first use and again after it went down; call under the publish lock. */
    private Confirming confirming() throws IOException {
        Confirming c = current;
        if (c != null && c.channel().isOpen()) {
            return c;
        }
        if (c != null) {
            c.tracker().failAll(new IOException("the push channel closed"));
            try {
                c.channel().abort();
            } catch (IOException | RuntimeException e) {
                // it is being replaced either way
            }
        }
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ConfirmTracker tracker = new ConfirmTracker();
        ch.addReturnListener(r -> {
            String id = r.getProperties().getMessageId();
            if (id != null && id.matches("\\d{1,19}")) {
                tracker.returned(Long.parseLong(id));
            }
        });
        ch.addConfirmListener((tag, multiple) -> tracker.confirmed(tag, multiple, true),
                (tag, multiple) -> tracker.confirmed(tag, multiple, false));
        // a lost connection or a channel error: nothing outstanding will be confirmed on this channel any more
        ch.addShutdownListener(cause -> tracker.failAll(cause));
        current = new Confirming(ch, tracker);
        return current;
    }

    @Override
    public void checkReachable() throws OpenCtiException {
        if (!connection.isOpen()) {
            throw OpenCtiException.unavailable("opencti-broker-down", "the connection to the platform's broker "
                    + registration.broker() + " is down (recovering)", null);
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
