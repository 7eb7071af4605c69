package io.emailintel.topology;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The pipeline's exchange and queues, named from a prefix, declared idempotently by every process.
 *
 * <pre>
 *   {prefix}.pipeline (direct) ──work──────────▶ {prefix}.work   (quorum; rejected → dead)
 *                              ──retry.10s─────▶ {prefix}.retry.10s (TTL 10 s, then ──work──▶)
 *                              ──retry.1m──────▶ {prefix}.retry.1m  (TTL 1 min, then ──work──▶)
 *                              ──dead──────────▶ {prefix}.dead   (quorum, kept until replayed or purged)
 * </pre>
 *
 * <p>All queues are quorum queues with at-least-once dead-lettering, which RabbitMQ 3.10 and 4.x both
 * support. The work queue has an explicit delivery limit, so a message that crashes consumers again and again
 * ends in the dead-letter queue instead of looping; the dead-letter queue's limit is effectively off, so
 * inspecting it can never drop a message.
 *
 * <p><b>Replicas.</b> Each queue gets {@link #REPLICAS} replicas on a cluster of three or more nodes (one per node
 * on three; fewer on a smaller cluster). That is the broker's own default for a quorum queue declared without
 * {@code x-quorum-initial-group-size} ("By default the number of replicas to be started is up to three, one per
 * RabbitMQ node", https://www.rabbitmq.com/docs/quorum-queues#replication; {@code rabbit.quorum_cluster_size} = 3,
 * read on 3.10.8), and three is the practical minimum and, for clusters up to five nodes, the recommended count.
 * We do not send the argument: RabbitMQ compares it when a queue is declared again, so adding it would make
 * every queue created by an earlier release "inequivalent" and stop the processes at start-up with
 * PRECONDITION_FAILED (measured on 3.10.8: a queue declared without it refuses a re-declaration with 3, and
 * vice versa). More replicas on a larger cluster: {@code rabbitmq-queues grow <node> all} (docs/CLUSTER.md).
 * The leader of each queue starts on the node the declaring process is connected to ({@code client-local}, the
 * default leader locator) and moves on failover.
 */
public final class Topology {

    public static final String ROUTING_WORK = "work";
    public static final String ROUTING_DEAD = "dead";

    /**
     * Replicas per queue on a cluster of three or more nodes: the broker's default, not sent as an argument (see
     * the class comment for why). The cluster tests check every queue has this many.
     */
    public static final int REPLICAS = 3;

    /** Redeliveries of one message before the broker dead-letters it (RabbitMQ 4.x's default, made explicit). */
    public static final int WORK_DELIVERY_LIMIT = 20;
    /** Large enough never to be reached by inspection; RabbitMQ 3.10 does not accept -1 ("unlimited"). */
    static final int DEAD_DELIVERY_LIMIT = 1_000_000_000;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,100}");

    private final String prefix;
    private final List<RetryTier> retryTiers;

    public Topology(String prefix, List<Duration> retryDelays) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("queue prefix '" + prefix
                    + "' must be 1-101 characters of letters, digits, '.', '_', ':' or '-', starting alphanumeric");
        }
        this.prefix = prefix;
        List<RetryTier> tiers = new ArrayList<>();
        for (Duration delay : retryDelays) {
            if (delay.isNegative() || delay.isZero() || delay.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("retry delay " + delay + " must be positive and under 24 days");
            }
            String label = RetryTier.label(delay);
            if (tiers.stream().anyMatch(t -> t.delay().equals(delay))) {
                throw new IllegalArgumentException("retry delay " + delay + " is listed twice");
            }
            tiers.add(new RetryTier(tiers.size(), delay, prefix + ".retry." + label, "retry." + label));
        }
        this.retryTiers = List.copyOf(tiers);
    }

    public String prefix() {
        return prefix;
    }

    public String exchange() {
        return prefix + ".pipeline";
    }

    public String workQueue() {
        return prefix + ".work";
    }

    public String deadLetterQueue() {
        return prefix + ".dead";
    }

    public List<RetryTier> retryTiers() {
        return retryTiers;
    }

    /**
     * The tier for the n-th retry (0-based); retries past the last tier stay on the last one.
     *
     * @throws IllegalStateException when no tiers are configured
     */
    public RetryTier tierForRetry(int retryIndex) {
        if (retryTiers.isEmpty()) {
            throw new IllegalStateException("no retry tiers configured");
        }
        return retryTiers.get(Math.min(Math.max(retryIndex, 0), retryTiers.size() - 1));
    }

    /** Every queue name, work queue first. */
    public List<String> queues() {
        List<String> names = new ArrayList<>();
        names.add(workQueue());
        retryTiers.forEach(t -> names.add(t.queue()));
        names.add(deadLetterQueue());
        return names;
    }

    /**
     * Declares the exchange, queues and bindings. Safe to call from any number of processes at once and
     * again at every start-up.
     *
     * @throws TopologyMismatchException when a queue exists with other arguments (e.g. a classic queue of
     *                                   the same name, or other retry settings under the same prefix)
     */
    public void declare(Connection connection) throws IOException, TimeoutException {
        // One channel per declaration: a failed declare closes its channel, and we want to name the queue.
        declareOne(connection, exchange(), ch -> ch.exchangeDeclare(exchange(), BuiltinExchangeType.DIRECT, true));
        declareQueue(connection, workQueue(), workQueueArguments(), ROUTING_WORK);
        for (RetryTier tier : retryTiers) {
            declareQueue(connection, tier.queue(), retryQueueArguments(tier), tier.routingKey());
        }
        declareQueue(connection, deadLetterQueue(), deadLetterQueueArguments(), ROUTING_DEAD);
    }

    /** Deletes every queue and the exchange (tests and {@code reset} only). */
    public void delete(Connection connection) throws IOException, TimeoutException {
        for (String queue : queues()) {
            declareOne(connection, queue, ch -> ch.queueDelete(queue));
        }
        declareOne(connection, exchange(), ch -> ch.exchangeDelete(exchange()));
    }

    Map<String, Object> workQueueArguments() {
        Map<String, Object> args = quorum();
        args.put("x-dead-letter-exchange", exchange());
        args.put("x-dead-letter-routing-key", ROUTING_DEAD);
        args.put("x-dead-letter-strategy", "at-least-once");
        args.put("x-overflow", "reject-publish");
        args.put("x-delivery-limit", WORK_DELIVERY_LIMIT);
        return args;
    }

    Map<String, Object> retryQueueArguments(RetryTier tier) {
        Map<String, Object> args = quorum();
        args.put("x-message-ttl", (int) tier.delay().toMillis());
        args.put("x-dead-letter-exchange", exchange());
        args.put("x-dead-letter-routing-key", ROUTING_WORK);
        args.put("x-dead-letter-strategy", "at-least-once");
        args.put("x-overflow", "reject-publish");
        return args;
    }

    Map<String, Object> deadLetterQueueArguments() {
        Map<String, Object> args = quorum();
        args.put("x-delivery-limit", DEAD_DELIVERY_LIMIT);
        return args;
    }

    private static Map<String, Object> quorum() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-queue-type", "quorum");
        return args;
    }

    private void declareQueue(Connection connection, String queue, Map<String, Object> args, String routingKey)
            throws IOException, TimeoutException {
        declareOne(connection, queue, ch -> {
            ch.queueDeclare(queue, true, false, false, new HashMap<>(args));
            ch.queueBind(queue, exchange(), routingKey);
        });
    }

    private interface ChannelWork {
        void run(Channel channel) throws IOException;
    }

    private static void declareOne(Connection connection, String name, ChannelWork work)
            throws IOException, TimeoutException {
        Channel channel = connection.createChannel();
        try {
            work.run(channel);
        } catch (IOException e) {
            String detail = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            if (detail != null && detail.contains("PRECONDITION_FAILED")) {
                throw new TopologyMismatchException(name, detail, e);
            }
            throw e;
        } finally {
            if (channel.isOpen()) {
                channel.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Topology[exchange=" + exchange() + ", queues=" + queues() + "]";
    }
}
