package io.emailintel.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What OpenCTI's workers do to the platform's push queue, minus the work: consume with manual acks, so the
 * queue never grows and the ingesters' confirms are not slowed by a backlog. Records when the last message
 * arrived.
 */
final class PushDrain implements AutoCloseable {

    private final Channel channel;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long firstNanos;
    private volatile long lastNanos;

    PushDrain(Connection connection, String queue) throws IOException {
        channel = connection.createChannel();
        channel.basicQos(256);
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                long now = System.nanoTime();
                if (messages.getAndIncrement() == 0) {
                    firstNanos = now;
                }
                lastNanos = now;
                bytes.addAndGet(body.length);
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
    }

    long messages() {
        return messages.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** {@link System#nanoTime()} of the first message, 0 before it. */
    long firstNanos() {
        return firstNanos;
    }

    /** {@link System#nanoTime()} of the latest message, 0 before it. */
    long lastNanos() {
        return lastNanos;
    }

    @Override
    public void close() throws Exception {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}
