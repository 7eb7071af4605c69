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
import java.util.concurrent.ConcurrentLinkedDeque;
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
    /**
     * Confirm channels not in use. Each route borrows one for its publish and its wait for the confirm, so
     * routes on several threads never wait for each other's confirms (no lock is held across the wait) and a
     * return or confirm on a channel belongs to the one route using it.
     */
    private final ConcurrentLinkedDeque<Confirming> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** A confirm channel and whether the broker returned the message published on it last. */
    private record Confirming(Channel channel, AtomicBoolean returned) {
    }

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
    public Destination route(AMQP.BasicProperties props, byte[] body, Failure failure)
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
        Confirming c = borrow();
        boolean healthy = false;
        try {
            c.returned().set(false);
            c.channel().basicPublish(topology.exchange(), routingKey, true, props, body);
            c.channel().waitForConfirmsOrDie(confirmTimeout.toMillis());
            // the return, if any, arrives before the confirm (AMQP 0-9-1 publisher confirms)
            if (c.returned().get()) {
                healthy = true;
                throw new IOException("the broker returned the message sent to " + routingKey
                        + " (no queue bound; is the topology declared?)");
            }
            healthy = true;
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm the message sent to " + routingKey, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the broker's confirm", e);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            giveBack(c, healthy);
        }
    }

    private Confirming borrow() throws IOException {
        Confirming c;
        while ((c = idle.pollFirst()) != null) {
            if (c.channel().isOpen()) {
                return c;
            }
        }
        try {
            Channel ch = connection.createChannel();
            ch.confirmSelect();
            AtomicBoolean returned = new AtomicBoolean();
            ch.addReturnListener(r -> returned.set(true));
            return new Confirming(ch, returned);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A channel that failed (unconfirmed, nacked, closed) may hold a late confirm: it is closed, not reused. */
    private void giveBack(Confirming c, boolean healthy) {
        if (healthy && !closed && c.channel().isOpen()) {
            idle.addFirst(c);
            // close() may have emptied the pool just before this one went back: close it here then
            if (closed && idle.remove(c)) {
                closeQuietly(c.channel());
            }
            return;
        }
        closeQuietly(c.channel());
    }

    private static void closeQuietly(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("closing a broken channel failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        Confirming c;
        while ((c = idle.pollFirst()) != null) {
            closeQuietly(c.channel());
        }
    }
}
