package io.emailintel.ops;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code emailintel_queue_depth{queue="work"|"retry.10s"|…|"dead"}}: messages ready in each pipeline queue,
 * read by one process (the fetcher, a singleton) so that dashboards do not add up one copy per ingester.
 * Polled in the background; a scrape never waits for the broker.
 */
public final class QueueDepths implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueDepths.class);

    private final Connection connection;
    private final Map<String, String> queues = new LinkedHashMap<>();
    private final Map<String, Double> depths = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "queue-depths");
        t.setDaemon(true);
        return t;
    });

    public QueueDepths(Connection connection, Topology topology, MeterRegistry registry, long periodMillis) {
        this.connection = connection;
        queues.put("work", topology.workQueue());
        topology.retryTiers().forEach(t -> queues.put(t.routingKey(), t.queue()));
        queues.put("dead", topology.deadLetterQueue());
        queues.forEach((label, queue) -> {
            depths.put(label, Double.NaN);
            Gauge.builder("emailintel.queue.depth", depths, d -> d.getOrDefault(label, Double.NaN))
                    .tag("queue", label).description("Messages ready in the pipeline queue").register(registry);
        });
        timer.scheduleWithFixedDelay(this::poll, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    void poll() {
        try (Channel ch = connection.createChannel()) {
            for (Map.Entry<String, String> q : queues.entrySet()) {
                depths.put(q.getKey(), (double) ch.queueDeclarePassive(q.getValue()).getMessageCount());
            }
        } catch (Exception e) {
            log.debug("cannot read queue depths: {}", e.toString());
            queues.keySet().forEach(k -> depths.put(k, Double.NaN));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
