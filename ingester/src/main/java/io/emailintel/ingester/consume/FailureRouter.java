package io.emailintel.ingester.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.topology.Headers;
import io.emailintel.topology.RetryTier;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a failed envelope on: poison or out of attempts → the dead-letter queue; transient → the next retry
 * tier; deferred → back to the work queue with its attempts unchanged. The body is never touched; the
 * headers say what happened. A send counts only when the broker confirmed it and did not return it; only
 * then may the caller ack the original delivery.
 */
public final class FailureRouter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FailureRouter.class);

    /** Where an envelope went. */
    public enum Destination { RETRY, DEAD_LETTER, WORK_QUEUE }

    private final Connection connection;
    private final Topology topology;
    private final int maxAttempts;
    private final Clock clock;
    private final String instance;
    private final Duration confirmTimeout;
    private Channel channel;
    private final AtomicBoolean returned = new AtomicBoolean();

    public FailureRouter(Connection connection, Topology topology, int maxAttempts, Clock clock, String instance,
                         Duration confirmTimeout) {
        this.connection = connection;
        this.topology = topology;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
        this.instance = instance;
        this.confirmTimeout = confirmTimeout;
    }

    /** Failed attempts recorded on a message so far. */
    static int attemptsOf(AMQP.BasicProperties props) {
        return Headers.intValue(props.getHeaders(), Headers.ATTEMPTS);
    }

    /** Where a failure sends an envelope (pure; {@link #route} does it). */
    Destination destinationOf(Failure failure, int attemptsBefore) {
        return switch (failure.kind()) {
            case POISON -> Destination.DEAD_LETTER;
            case DEFERRED -> Destination.WORK_QUEUE;
            case TRANSIENT, AMBIGUOUS -> attemptsBefore + 1 >= maxAttempts ? Destination.DEAD_LETTER : Destination.RETRY;
        };
    }

    /**
     * Publishes the envelope to where the failure sends it and waits for the broker's confirm.
     *
     * @throws IOException when the broker did not confirm it (the caller must not ack; requeue instead)
     */
    public synchronized Destination route(AMQP.BasicProperties props, byte[] body, Failure failure)
            throws IOException {
        int before = attemptsOf(props);
        Destination dest = destinationOf(failure, before);
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        String routingKey;
        if (dest == Destination.WORK_QUEUE) {
            routingKey = Topology.ROUTING_WORK;
        } else {
            int attempts = before + 1;
            String now = clock.instant().toString();
            headers.put(Headers.ATTEMPTS, attempts);
            headers.put(Headers.FAILURE_REASON, dest == Destination.DEAD_LETTER ? failure.deadLetterReason()
                    : failure.reason());
            headers.put(Headers.EXCEPTION_CLASS, failure.exceptionClass());
            headers.put(Headers.EXCEPTION_MESSAGE, dest == Destination.DEAD_LETTER
                    && failure.kind() == Failure.Kind.AMBIGUOUS ? Failure.truncated("after " + attempts
                    + " attempts: " + failure.safeMessage()) : failure.safeMessage());
            headers.put(Headers.STAGE, failure.stage());
            headers.putIfAbsent(Headers.FIRST_FAILURE_AT, now);
            headers.put(Headers.LAST_FAILURE_AT, now);
            headers.put(Headers.INSTANCE, instance);
            if (dest == Destination.RETRY) {
                RetryTier tier = topology.tierForRetry(attempts - 1);
                headers.put(Headers.RETRY_TIER, tier.index());
                routingKey = tier.routingKey();
            } else {
                headers.remove(Headers.RETRY_TIER);
                routingKey = Topology.ROUTING_DEAD;
            }
        }
        AMQP.BasicProperties out = props.builder().headers(headers).deliveryMode(2).expiration(null).build();
        publishConfirmed(routingKey, out, body);
        return dest;
    }

    private void publishConfirmed(String routingKey, AMQP.BasicProperties props, byte[] body) throws IOException {
        try {
            Channel ch = channel();
            returned.set(false);
            ch.basicPublish(topology.exchange(), routingKey, true, props, body);
            ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
            if (returned.get()) {
                throw new IOException("the broker returned the message sent to " + routingKey
                        + " (no queue bound; is the topology declared?)");
            }
        } catch (TimeoutException e) {
            closeChannel();
            throw new IOException("the broker did not confirm the message sent to " + routingKey, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeChannel();
            throw new IOException("interrupted while waiting for the broker's confirm", e);
        } catch (IOException | RuntimeException e) {
            closeChannel();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = connection.createChannel();
            channel.confirmSelect();
            channel.addReturnListener(r -> returned.set(true));
        }
        return channel;
    }

    private void closeChannel() {
        try {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("closing a broken channel failed", e);
        }
        channel = null;
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }
}
