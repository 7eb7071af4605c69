package io.emailintel.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import io.emailintel.topology.BrokerUri;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Our physical limit: a plain amqp-client loop that publishes persistent messages with publisher confirms
 * to a quorum queue while a consumer drains it with manual acks — what the fetcher and ingester do, minus
 * all our work. Nothing of ours runs here except the URI parsing.
 */
final class BrokerBaseline {

    /**
     * One measurement.
     *
     * @param bytes    message size
     * @param messages messages sent and consumed
     * @param seconds  from the first publish to the last ack
     * @param brokerCpuNanos the local RabbitMQ's CPU time over those seconds (0 when it cannot be seen)
     * @param clientCpuNanos this JVM's (the publisher's and the consumer's) over those seconds
     */
    record Result(int bytes, int messages, double seconds, long brokerCpuNanos, long clientCpuNanos) {
        double messagesPerSecond() {
            return messages / seconds;
        }

        /** Broker and client CPU seconds per 1,000 messages: the yardstick for our processes' CPU. */
        double cpuSecondsPerThousand() {
            return CpuTime.secondsPerThousand(brokerCpuNanos + clientCpuNanos, messages);
        }

        double brokerCpuSecondsPerThousand() {
            return CpuTime.secondsPerThousand(brokerCpuNanos, messages);
        }

        double clientCpuSecondsPerThousand() {
            return CpuTime.secondsPerThousand(clientCpuNanos, messages);
        }

        double mebibytesPerSecond() {
            return messagesPerSecond() * bytes / (1024.0 * 1024.0);
        }
    }

    private static final int CONFIRM_WINDOW = 256;
    private static final int PREFETCH = 64;

    private final BrokerUri uri;
    private final String queuePrefix;

    BrokerBaseline(BrokerUri uri, String queuePrefix) {
        this.uri = uri;
        this.queuePrefix = queuePrefix;
    }

    Result run(int bytes, int messages) throws Exception {
        String queue = queuePrefix + ".baseline." + bytes;
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        byte[] marker = "{\"schemaVersion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, body, 0, Math.min(marker.length, bytes));
        try (Connection pubConn = uri.connect("bench-baseline-publisher");
             Connection subConn = uri.connect("bench-baseline-consumer")) {
            Channel admin = pubConn.createChannel();
            admin.queueDelete(queue);
            admin.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));

            CountDownLatch consumed = new CountDownLatch(messages);
            Channel sub = subConn.createChannel();
            sub.basicQos(PREFETCH);
            DeliverCallback onMessage = (tag, delivery) -> {
                sub.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                consumed.countDown();
            };
            sub.basicConsume(queue, false, onMessage, tag -> { });

            Channel pub = pubConn.createChannel();
            pub.confirmSelect();
            Semaphore window = new Semaphore(CONFIRM_WINDOW);
            ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
            pub.addConfirmListener((seq, multiple) -> release(outstanding, window, seq, multiple),
                    (seq, multiple) -> {
                        throw new IllegalStateException("broker nacked message " + seq);
                    });
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .contentType("application/json").build();
            long brokerCpu = CpuTime.broker();
            long clientCpu = CpuTime.self();
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                window.acquire();
                outstanding.add(pub.getNextPublishSeqNo());
                pub.basicPublish("", queue, true, props, body);
            }
            if (!consumed.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("baseline did not drain within 10 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long clientCpuUsed = CpuTime.self() - clientCpu;
            long brokerCpuUsed = CpuTime.broker() - brokerCpu;
            admin.queueDelete(queue);
            return new Result(bytes, messages, seconds, brokerCpuUsed, clientCpuUsed);
        }
    }

    private static void release(ConcurrentSkipListSet<Long> outstanding, Semaphore window, long seq,
                                boolean multiple) {
        if (multiple) {
            var head = outstanding.headSet(seq, true);
            int n = head.size();
            head.clear();
            window.release(n);
        } else if (outstanding.remove(seq)) {
            window.release();
        }
    }
}
