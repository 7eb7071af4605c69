package io.emailintel.ingester.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

/**
 * One envelope as the broker delivered it. Its delivery tag means something only on the channel that delivered
 * it (AMQP 0-9-1: tags are channel-scoped), so the delivery keeps that channel and is settled — acked, or nacked
 * back to the queue — there and nowhere else; once that channel is closed the broker has requeued it already.
 * {@code held} is its body's share of the {@link MemoryBudget}, given back when it is settled.
 */
record Delivery(Channel channel, long tag, AMQP.BasicProperties props, byte[] body, MemoryBudget.Lease held) {
}
