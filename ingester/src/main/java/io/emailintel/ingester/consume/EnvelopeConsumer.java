package io.emailintel.ingester.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Competing consumer of the work queue: manual acks, {@code prefetch} unacknowledged envelopes, {@code
 * concurrency} worker threads. An envelope is acked only after OpenCTI has its bundle, or after the broker
 * confirmed it into a retry tier, the dead-letter queue or back onto the work queue; when even that fails it
 * is nacked with requeue. Consuming follows the {@link ConsumerGate}: the consumer is cancelled while the
 * gate is shut and re-registered when it opens. Large envelopes take turns within a {@link MemoryBudget}.
 */
public final class EnvelopeConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeConsumer.class);

    private final Connection connection;
    private final Topology topology;
    private final int prefetch;
    private final EnvelopeProcessor processor;
    private final FailureRouter router;
    private final Works works;
    private final ConsumerGate gate;
    private final IngestMetrics metrics;
    private final ExecutorService workers;
    /** Acks, routes failures and retries pushes once their outcome is known; off the broker's threads. */
    private final ExecutorService settling;
    private final MemoryBudget memory = MemoryBudget.ofHeap(Runtime.getRuntime());
    private final Object channelLock = new Object();
    private final AtomicInteger inFlight = new AtomicInteger();
    private Channel channel;
    private String consumerTag;
    private volatile boolean stopping;

    public EnvelopeConsumer(Connection connection, Topology topology, int prefetch, int concurrency,
                            EnvelopeProcessor processor, FailureRouter router, Works works, ConsumerGate gate,
                            IngestMetrics metrics) {
        this.connection = connection;
        this.topology = topology;
        this.prefetch = prefetch;
        this.processor = processor;
        this.router = router;
        this.works = works;
        this.gate = gate;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "ingest-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        AtomicInteger m = new AtomicInteger();
        // after a stop whose grace ran out, late confirms are dropped: their envelopes are redelivered
        this.settling = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "ingest-settle-" + m.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
    }

    public void start() throws IOException {
        openChannel();
        gate.onChange(open -> followGate());
        if (connection instanceof Recoverable recoverable) {
            // A gate change while the connection is down finds the channel closed and does nothing; amqp-client
            // then recovers the consumer as it was at the loss. Reconcile once recovery is complete (consumers
            // included): otherwise an ingester paused by the circuit when its broker node died never consumed again
            // (found by ClusterFailoverIT's retry/dead-letter leader loss).
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable r) {
                    followGate();
                }

                @Override
                public void handleRecoveryStarted(Recoverable r) {
                }
            });
        }
        followGate();
    }

    private void openChannel() throws IOException {
        synchronized (channelLock) {
            Channel ch = connection.createChannel();
            ch.basicQos(prefetch);
            // A channel-level error (not a lost connection, which amqp-client recovers) would end consuming
            // silently; open a new channel instead. Unacked envelopes of the old one are redelivered.
            ch.addShutdownListener(cause -> {
                if (!stopping && !cause.isHardError() && !cause.isInitiatedByApplication()) {
                    log.warn("consumer channel closed by the broker ({}); reopening", cause.getMessage());
                    Thread t = new Thread(this::reopen, "consumer-reopen");
                    t.setDaemon(true);
                    t.start();
                }
            });
            channel = ch;
            consumerTag = null;
        }
    }

    private void reopen() {
        try {
            openChannel();
            followGate();
        } catch (IOException | RuntimeException e) {
            log.error("could not reopen the consumer channel; this ingester no longer consumes: {}", e.toString());
        }
    }

    /** Consumes while the gate is open, not while it is shut; safe to call any time from any thread. */
    void followGate() {
        synchronized (channelLock) {
            try {
                if (channel == null || !channel.isOpen()) {
                    return;
                }
                if (gate.isOpen() && !stopping && consumerTag == null) {
                    consumerTag = channel.basicConsume(topology.workQueue(), false, new Deliveries(channel));
                    log.info("consuming {}", topology.workQueue());
                } else if ((!gate.isOpen() || stopping) && consumerTag != null) {
                    channel.basicCancel(consumerTag);
                    consumerTag = null;
                    log.info("paused consuming {} ({})", topology.workQueue(), gate.reasons());
                }
            } catch (IOException | RuntimeException e) {
                log.warn("could not {} consuming: {}", gate.isOpen() ? "resume" : "pause", e.toString());
            }
        }
    }

    /** Envelopes received and not yet acknowledged or handed back. */
    public int inFlight() {
        return inFlight.get();
    }

    public boolean isConsuming() {
        synchronized (channelLock) {
            return consumerTag != null;
        }
    }

    private final class Deliveries extends DefaultConsumer {
        Deliveries(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            inFlight.incrementAndGet();
            workers.execute(() -> handle(envelope.getDeliveryTag(), props, body));
        }

        @Override
        public void handleCancel(String tag) {
            log.warn("the broker cancelled our consumer on {} (queue deleted?)", topology.workQueue());
            synchronized (channelLock) {
                consumerTag = null;
            }
        }
    }

    /**
     * Runs on a worker: builds and publishes, then hands the delivery over to the settling threads, which ack
     * it once its push is confirmed (or route it on failure). The worker is free for the next envelope
     * meanwhile, so up to {@code prefetch} pushes are in flight at once. Every path ends in exactly one of ack,
     * nack or (a fatal error) nack and rethrow, and decrements {@link #inFlight}.
     */
    private void handle(long tag, AMQP.BasicProperties props, byte[] body) {
        if (stopping) {
            nack(tag);
            inFlight.decrementAndGet();
            return;
        }
        MemoryBudget.Lease room;
        try {
            room = memory.reserve(body.length);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nack(tag);
            inFlight.decrementAndGet();
            return;
        }
        CompletableFuture<EnvelopeProcessor.Attempt> attempt;
        try {
            attempt = processor.process(body, props.getHeaders(), settling);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.completedFuture(
                    new EnvelopeProcessor.Attempt("", "", null, null, Failure.classify(e, "process")));
        } catch (Error e) {
            if (!Failure.isContained(e)) {
                room.close();
                abandon(tag, e);
                throw e;
            }
            attempt = CompletableFuture.completedFuture(
                    new EnvelopeProcessor.Attempt("", "", null, null, Failure.classify(e, "process")));
        }
        attempt.whenCompleteAsync((a, error) -> {
            // the budget covers the bundle until its push is settled: it is kept for quick retries
            room.close();
            Throwable cause = error == null ? null : EnvelopeProcessor.unwrap(error);
            if (a == null && cause instanceof Error fatal && !Failure.isContained(fatal)) {
                abandon(tag, fatal);
                return;
            }
            try {
                settle(tag, props, body, a != null ? a : new EnvelopeProcessor.Attempt("", "", null, null,
                        Failure.classify(cause, "process")));
            } finally {
                inFlight.decrementAndGet();
            }
        }, settling);
    }

    /** An error that may leave this JVM unfit (e.g. heap exhausted): requeue the envelope rather than judge it. */
    private void abandon(long tag, Error e) {
        try {
            log.error("fatal error while processing an envelope; requeued: {}", e.toString());
        } finally {
            nack(tag);
            inFlight.decrementAndGet();
        }
    }

    private void settle(long tag, AMQP.BasicProperties props, byte[] body, EnvelopeProcessor.Attempt attempt) {
        Failure failure = attempt.failure();
        if (failure == null) {
            // measured before the ack: OpenCTI has the report now (push confirmed, or taken by the api)
            Duration latency = metrics.ingested(attempt.receivedAt(), PublishedAt.of(props.getHeaders()));
            ack(tag);
            finish(attempt, Works.Outcome.INGESTED);
            log.info("envelope {} ingested as {} latency_ms={}", attempt.envelopeId(), attempt.reportId(),
                    latency == null ? "unknown" : Long.toString(latency.toMillis()));
            return;
        }
        if (failure.kind() == Failure.Kind.DEFERRED && stopping) {
            nack(tag);
            finish(attempt, Works.Outcome.DEFERRED);
            return;
        }
        try {
            FailureRouter.Destination dest = router.route(props, body, failure);
            ack(tag);
            finish(attempt, dest == FailureRouter.Destination.DEAD_LETTER ? Works.Outcome.FAILED : Works.Outcome.DEFERRED);
            switch (dest) {
                case DEAD_LETTER -> metrics.deadLettered(failure.reason());
                case RETRY -> metrics.retried(failure.reason());
                default -> { }
            }
            switch (dest) {
                case DEAD_LETTER -> log.warn("envelope {} dead-lettered at {}: {} ({})", label(attempt),
                        failure.stage(), failure.reason(), failure.safeMessage());
                case RETRY -> log.info("envelope {} failed at {} ({}: {}); sent to a retry tier", label(attempt),
                        failure.stage(), failure.reason(), failure.safeMessage());
                case WORK_QUEUE -> log.info("envelope {} put back on the work queue ({})", label(attempt),
                        failure.reason());
            }
        } catch (IOException e) {
            log.warn("envelope {} could not be routed after a failure ({}); requeued", label(attempt), e.getMessage());
            nack(tag);
            finish(attempt, Works.Outcome.DEFERRED);
        }
    }

    private static String label(EnvelopeProcessor.Attempt a) {
        return a.envelopeId().isEmpty() ? "(unreadable)" : a.envelopeId();
    }

    private void finish(EnvelopeProcessor.Attempt attempt, Works.Outcome outcome) {
        if (attempt.work() != null) {
            works.finish(attempt.work(), outcome);
        }
    }

    private void ack(long tag) {
        synchronized (channelLock) {
            try {
                channel.basicAck(tag, false);
            } catch (IOException | RuntimeException e) {
                // the channel died: the broker redelivers the envelope; ids are deterministic, so that is harmless
                log.warn("ack failed, the envelope will be redelivered: {}", e.toString());
            }
        }
    }

    private void nack(long tag) {
        synchronized (channelLock) {
            try {
                channel.basicNack(tag, false, true);
            } catch (IOException | RuntimeException e) {
                log.warn("nack failed, the envelope will be redelivered: {}", e.toString());
            }
        }
    }

    /**
     * Graceful stop: take no new envelopes, let the ones in progress finish (up to {@code grace}), requeue the
     * ones not started, then close the channel (which requeues anything still unacknowledged).
     */
    public void stop(Duration grace) {
        stopping = true;
        gate.shut(ConsumerGate.STOPPING);
        followGate();
        long deadline = System.nanoTime() + grace.toNanos();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
            // pushes already published: wait for their confirms, so their envelopes are acked, not redelivered
            synchronized (inFlight) {
                while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                    inFlight.wait(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
                }
            }
            if (inFlight.get() > 0) {
                log.warn("{} envelope(s) still in progress after {}; they will be redelivered", inFlight.get(), grace);
            }
            settling.shutdown();
            if (!settling.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                settling.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            settling.shutdownNow();
        }
        synchronized (channelLock) {
            try {
                if (channel != null && channel.isOpen()) {
                    channel.close();
                }
            } catch (IOException | TimeoutException | RuntimeException e) {
                log.debug("closing the consumer channel failed", e);
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
