package io.emailintel.ingester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A stand-in for OpenCTI's worker (opencti-worker {@code src/push_handler.py} with pycti's
 * {@code opencti_stix2.py}), consuming the connector's push queue with several consumers at once, as a platform
 * with several workers does. Per message, like {@code handle_message}:
 * <ul>
 *   <li>not JSON: "nack" (discarded, not requeued);</li>
 *   <li>a {@code work_id} whose work is not alive: acked without importing anything (the newer worker checks
 *       {@code get_is_work_alive} first; the older one learns it from {@code add_expectations}, and pycti skips a
 *       message whose import fails with {@code WORK_NOT_ALIVE});</li>
 *   <li>a bundle of several objects (what {@code stixBundlePush} enqueues): split into one message per object,
 *       expectations added to the work {@code if work_id is not None} — dropped when the work is not alive —
 *       and the parts published back to the same queue;</li>
 *   <li>one object: imported, then {@code report_expectation(work_id)} {@code if work_id is not None}. A report
 *       whose name breaks {@code ReportAddInput.name}'s {@code @constraint(minLength: 2, format: "not-blank")}
 *       (opencti.graphql) is refused by the platform: pycti's {@code import_item_with_retries} logs
 *       "Unrecognized error", reports the expectation with the error, and the message is gone (older workers:
 *       the exception makes it a "nack" without requeue). Recorded as rejected, not imported.</li>
 * </ul>
 * While the platform answers with an outage ({@link FakeOpenCti#failStatus}), imports wait, as pycti retries a
 * connection error "almost indefinitely".
 */
final class FakePlatformWorker implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final FakeOpenCti platform;
    private final List<Connection> connections = new ArrayList<>();
    private final String pushExchange;
    private final String pushRouting;
    private final Duration perMessage;
    private final BooleanSupplier outage;
    private final List<Channel> channels = new ArrayList<>();
    private volatile boolean closed;
    /** Deliveries received, and those acked or nacked: a difference at the end is a message stuck in here. */
    final java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();

    FakePlatformWorker(FakeOpenCti platform, Supplier<Connection> connect, String pushQueue, String pushExchange,
                       String pushRouting, int consumers, Duration perMessage, BooleanSupplier outage)
            throws IOException {
        this.platform = platform;
        this.pushExchange = pushExchange;
        this.pushRouting = pushRouting;
        this.perMessage = perMessage;
        this.outage = outage;
        for (int i = 0; i < consumers; i++) {
            // a connection each: a connection dispatches its deliveries on a small shared pool, and a worker that
            // sleeps through a slow import must not hold up the others
            Connection connection = connect.get();
            connections.add(connection);
            Channel ch = connection.createChannel();
            ch.basicQos(1); // a worker takes one message at a time (push_handler's pika consumer, prefetch 1)
            ch.confirmSelect();
            channels.add(ch);
            ch.basicConsume(pushQueue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                        throws IOException {
                    delivered.incrementAndGet();
                    try {
                        handle(ch, env.getDeliveryTag(), body);
                    } catch (com.rabbitmq.client.AlreadyClosedException e) {
                        if (!closed) {
                            throw e;
                        }
                    } catch (RuntimeException e) {
                        // a bug here must not leave the message unacknowledged on a consumer that then stalls
                        ch.basicNack(env.getDeliveryTag(), false, true);
                        settled.incrementAndGet();
                        throw e;
                    }
                }
            });
        }
    }

    private void handle(Channel ch, long tag, byte[] body) throws IOException {
        JsonNode data;
        try {
            data = JSON.readTree(body);
        } catch (IOException e) {
            platform.discarded("not JSON", body);
            nack(ch, tag, false);
            return;
        }
        JsonNode workNode = data.get("work_id");
        String workId = workNode == null || workNode.isNull() || workNode.asText().isEmpty() ? null : workNode.asText();
        if (workId != null && !platform.works().isAlive(workId)) {
            platform.dropped(data);
            ack(ch, tag);
            return;
        }
        JsonNode bundle;
        try {
            bundle = JSON.readTree(Base64.getDecoder().decode(data.path("content").asText()));
        } catch (IOException | IllegalArgumentException e) {
            platform.discarded("content not a base64 JSON bundle", body);
            nack(ch, tag, false);
            return;
        }
        JsonNode objects = bundle.path("objects");
        if (!objects.isArray() || objects.isEmpty()) {
            platform.discarded("not a STIX2 bundle", body);
            nack(ch, tag, false); // "JSON data type is not a STIX2 bundle" → exception → nack
            return;
        }
        if (objects.size() > 1 && !data.path("no_split").asBoolean(false)) {
            if (workId != null && !platform.works().addExpectations(workId, objects.size())) {
                platform.dropped(data);
                ack(ch, tag);
                return;
            }
            for (JsonNode object : objects) {
                ObjectNode part = ((ObjectNode) data).deepCopy();
                ObjectNode single = JSON.createObjectNode().put("type", "bundle").put("id", bundle.path("id").asText());
                ArrayNode list = single.putArray("objects");
                list.add(object);
                part.put("content", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(single)));
                ch.basicPublish(pushExchange, pushRouting, new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .contentEncoding("utf-8").build(), JSON.writeValueAsBytes(part));
            }
            try {
                ch.waitForConfirmsOrDie(10_000);
            } catch (InterruptedException | TimeoutException e) {
                nack(ch, tag, true);
                return;
            }
            ack(ch, tag);
            return;
        }
        if (!importOne(objects.get(0), workId)) {
            nack(ch, tag, true); // closing: back to the queue
            return;
        }
        ack(ch, tag);
    }

    private void ack(Channel ch, long tag) throws IOException {
        ch.basicAck(tag, false);
        settled.incrementAndGet();
    }

    private void nack(Channel ch, long tag, boolean requeue) throws IOException {
        ch.basicNack(tag, false, requeue);
        settled.incrementAndGet();
    }

    /** Imports one object; false when the worker is closing before it could. */
    private boolean importOne(JsonNode object, String workId) {
        try {
            while (outage.getAsBoolean()) {
                if (closed) {
                    return false;
                }
                Thread.sleep(50);
            }
            if (!perMessage.isZero()) {
                Thread.sleep(perMessage.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (closed) {
                return false;
            }
        }
        if (workId != null && !platform.works().isAlive(workId)) {
            // closed while this import ran: the platform refuses a request that names a dead work
            // (WORK_NOT_ALIVE), and pycti skips the message ("Message skipped because work is no longer alive")
            platform.dropped(null);
            return true;
        }
        if ("report".equals(object.path("type").asText()) && !FakeOpenCti.acceptsReportName(object.path("name"))) {
            platform.rejected(object, workId);
            if (workId != null) {
                platform.works().reportExpectation(workId, "Unrecognized error during bundle import: name");
            }
            return true;
        }
        platform.imported(object, workId);
        if (workId != null) {
            platform.works().reportExpectation(workId, null);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (Channel ch : channels) {
            try {
                ch.abort();
            } catch (IOException | RuntimeException e) {
                // already closed
            }
        }
        for (Connection connection : connections) {
            try {
                connection.abort();
            } catch (RuntimeException e) {
                // already closed
            }
        }
    }
}
