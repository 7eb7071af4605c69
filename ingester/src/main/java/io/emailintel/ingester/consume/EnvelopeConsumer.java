package io.emailintel.ingester.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ops.Health;
import io.emailintel.retry.RetryPolicy;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Competing consumer of the work queue: manual acks, {@code prefetch} unsettled deliveries, {@code concurrency}
 * worker threads. An envelope is acked only after OpenCTI has its bundle, or after the broker confirmed it into
 * a retry tier, the dead-letter queue or back onto the work queue; when even that fails it is nacked with
 * requeue. Words used here, one meaning each: a delivery is <em>settled</em> when it is acked or nacked, always
 * on the channel that delivered it ({@link Delivery}); <em>unsettled</em> deliveries are those received and not
 * settled yet. Consuming follows the {@link ConsumerGate}: the consumer is cancelled while the gate is shut and
 * re-registered when it opens. Deliveries and their processing stay within a {@link MemoryBudget}.
 */
public final class EnvelopeConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeConsumer.class);
    /** The readiness check this consumer keeps. */
    static final String HEALTH_CHECK = "consumer";
    /** Reopening the channel after the broker closed it: 0.5 s, 1 s, 2 s, … at most 30 s between tries. */
    static final RetryPolicy REOPEN = RetryPolicy.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));
    /** Closed this many times in a row without consuming again: readiness goes down. */
    static final int DOWN_AFTER = 3;

    private final Connection connection;
    private final Topology topology;
    private final int prefetch;
    private final EnvelopeProcessor processor;
    private final FailureRouter router;
    private final Works works;
    private final ConsumerGate gate;
    private final IngestMetrics metrics;
    private final Health health;
    private final ExecutorService workers;
    /** What follows a push: acks, failure routing, quick retries once the outcome is known; off the broker's threads. */
    private final ExecutorService followUps;
    private final ScheduledExecutorService reopening;
    private final MemoryBudget memory = MemoryBudget.ofHeap(Runtime.getRuntime());
    private final Object channelLock = new Object();
    private final AtomicInteger unsettled = new AtomicInteger();
    private Channel channel;
    private String consumerTag;
    private int closedInARow;
    private volatile boolean stopping;

    public EnvelopeConsumer(Connection connection, Topology topology, int prefetch, int concurrency,
                            EnvelopeProcessor processor, FailureRouter router, Works works, ConsumerGate gate,
                            IngestMetrics metrics, Health health) {
        this.connection = connection;
        this.topology = topology;
        this.prefetch = prefetch;
        this.processor = processor;
        this.router = router;
        this.works = works;
        this.gate = gate;
        this.metrics = metrics;
        this.health = health;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "ingest-" + n.incrementAndGet()));
        AtomicInteger m = new AtomicInteger();
        // after a stop whose grace ran out, late confirms are dropped: their envelopes are redelivered
        this.followUps = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "ingest-followup-" + m.incrementAndGet()),
                new ThreadPoolExecutor.DiscardPolicy());
        this.reopening = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "consumer-reopen"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
            try {
                ch.basicQos(prefetch);
            } catch (IOException | RuntimeException e) {
                ch.abort();
                throw e;
            }
            // A channel-level error (not a lost connection, which amqp-client recovers) would end consuming
            // silently; open a new channel instead. Unacked envelopes of the old one are redelivered.
            ch.addShutdownListener(cause -> closed(ch, cause));
            channel = ch;
            consumerTag = null;
        }
    }

    /** The broker closed {@code ch}: reopen after a back-off that grows while it keeps happening. */
    private void closed(Channel ch, ShutdownSignalException cause) {
        if (stopping || cause.isHardError() || cause.isInitiatedByApplication()) {
            return;
        }
        scheduleReopen(cause.getMessage(), ch);
    }

    private void scheduleReopen(String why, Channel failed) {
        int failures;
        synchronized (channelLock) {
            if (failed != null && failed != channel) {
                return; // an older channel: its successor is already there
            }
            consumerTag = null;
            failures = ++closedInARow;
        }
        Duration wait = REOPEN.delayAfter(failures);
        if (failures >= DOWN_AFTER) {
            String detail = "consumer channel failed " + failures + " times in a row (last: " + why
                    + "); next try in " + wait;
            health.down(HEALTH_CHECK, detail);
            log.error("not consuming {}: {}", topology.workQueue(), detail);
        } else {
            log.warn("consumer channel closed by the broker ({}); reopening in {}", why, wait);
        }
        try {
            reopening.schedule(this::reopen, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void reopen() {
        if (stopping) {
            return;
        }
        try {
            openChannel();
        } catch (IOException | RuntimeException e) {
            scheduleReopen("could not open a channel: " + e, null);
            return;
        }
        followGate();
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
                    if (closedInARow > 0) {
                        closedInARow = 0;
                        log.info("consuming {} again", topology.workQueue());
                    } else {
                        log.info("consuming {}", topology.workQueue());
                    }
                    health.up(HEALTH_CHECK, "consuming " + topology.workQueue());
                } else if ((!gate.isOpen() || stopping) && consumerTag != null) {
                    channel.basicCancel(consumerTag);
                    consumerTag = null;
                    log.info("paused consuming {} ({})", topology.workQueue(), gate.reasons());
                }
            } catch (IOException | RuntimeException e) {
                if (channel.isOpen()) {
                    log.warn("could not {} consuming: {}", gate.isOpen() ? "resume" : "pause", e.toString());
                } else {
                    // a refused basic.consume closed the channel: its shutdown listener logs it and reopens
                    log.debug("could not {} consuming: {}", gate.isOpen() ? "resume" : "pause", e.toString());
                }
            }
        }
    }

    /**
     * The prefetch when {@code INGESTER_PREFETCH} is not set: ⌊max heap / 4 / 16 MiB⌋ between 1 and 8, so the
     * deliveries held fit in a quarter of the heap even at the pipeline's largest envelope.
     */
    public static int defaultPrefetch(Runtime runtime) {
        return MemoryBudget.defaultPrefetch(runtime.maxMemory());
    }

    /** Deliveries received and not yet settled. */
    public int unsettled() {
        return unsettled.get();
    }

    public boolean isConsuming() {
        synchronized (channelLock) {
            return consumerTag != null;
        }
    }

    /** The channel consuming now (tests break it to show that older deliveries are not settled on its successor). */
    Channel currentChannel() {
        synchronized (channelLock) {
            return channel;
        }
    }

    private final class Deliveries extends DefaultConsumer {
        Deliveries(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            unsettled.incrementAndGet();
            Delivery delivery = new Delivery(getChannel(), envelope.getDeliveryTag(), props, body,
                    memory.hold(body.length));
            try {
                workers.execute(() -> handle(delivery));
            } catch (RejectedExecutionException e) {
                // stopping: the channel's close hands it back to the queue
                release(delivery);
            }
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
     * Runs on a worker: builds and publishes, then hands the delivery over to the follow-up threads, which ack
     * it once its push is confirmed (or route it on failure). The worker is free for the next envelope
     * meanwhile, so up to {@code prefetch} pushes are in flight at once. Every path ends in exactly one
     * {@link #release} of the delivery, after at most one settlement.
     */
    private void handle(Delivery delivery) {
        if (stopping) {
            requeue(delivery);
            release(delivery);
            return;
        }
        if (!delivery.channel().isOpen()) {
            // its channel is gone: the broker has requeued it and redelivers it on the new channel
            log.debug("delivery {} not processed: its channel closed, the broker redelivers it", delivery.tag());
            release(delivery);
            return;
        }
        MemoryBudget.Lease room;
        try {
            room = memory.reserve(delivery.body().length);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeue(delivery);
            release(delivery);
            return;
        }
        CompletableFuture<EnvelopeProcessor.Attempt> attempt;
        try {
            attempt = processor.process(delivery.body(), delivery.props().getHeaders(), followUps);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.completedFuture(
                    new EnvelopeProcessor.Attempt("", "", null, null, Failure.classify(e, "process")));
        } catch (Error e) {
            if (!Failure.isContained(e)) {
                room.close();
                abandon(delivery, e);
                throw e;
            }
            attempt = CompletableFuture.completedFuture(
                    new EnvelopeProcessor.Attempt("", "", null, null, Failure.classify(e, "process")));
        }
        attempt.whenCompleteAsync((a, error) -> {
            // the budget covers the bundle until its push is over: it is kept for quick retries
            room.close();
            Throwable cause = error == null ? null : EnvelopeProcessor.unwrap(error);
            if (a == null && cause instanceof Error fatal && !Failure.isContained(fatal)) {
                abandon(delivery, fatal);
                return;
            }
            try {
                conclude(delivery, a != null ? a : new EnvelopeProcessor.Attempt("", "", null, null,
                        Failure.classify(cause, "process")));
            } finally {
                release(delivery);
            }
        }, followUps);
    }

    /** An error that may leave this JVM unfit (e.g. heap exhausted): requeue the envelope rather than judge it. */
    private void abandon(Delivery delivery, Error e) {
        try {
            log.error("fatal error while processing an envelope; requeued: {}", e.toString());
        } finally {
            requeue(delivery);
            release(delivery);
        }
    }

    /** The end of one delivery here: its memory given back, no longer counted as unsettled. */
    private void release(Delivery delivery) {
        delivery.held().close();
        unsettled.decrementAndGet();
    }

    /** Acks after success, or sends a failed envelope on and acks once the broker confirmed it there. */
    private void conclude(Delivery delivery, EnvelopeProcessor.Attempt attempt) {
        Failure failure = attempt.failure();
        AMQP.BasicProperties props = delivery.props();
        if (failure == null && attempt.filteredBy() != null) {
            // triage: skipped by a rule, never silently
            ack(delivery);
            finish(attempt, Works.Outcome.FILTERED);
            metrics.filtered(attempt.filteredBy());
            log.info("envelope {} filtered by rule \"{}\": no report", attempt.envelopeId(), attempt.filteredBy());
            return;
        }
        if (failure == null) {
            // measured before the ack: OpenCTI has the report now (push confirmed, or taken by the api)
            Duration latency = metrics.ingested(attempt.receivedAt(), PublishedAt.of(props.getHeaders()));
            ack(delivery);
            finish(attempt, Works.Outcome.PUSHED);
            log.info("envelope {} ingested as {} latency_ms={}", attempt.envelopeId(), attempt.reportId(),
                    latency == null ? "unknown" : Long.toString(latency.toMillis()));
            return;
        }
        if (failure.kind() == Failure.Kind.DEFERRED && stopping) {
            requeue(delivery);
            finish(attempt, Works.Outcome.DEFERRED);
            return;
        }
        if (!delivery.channel().isOpen()) {
            // routing it now would only add a copy: the broker has requeued the original already
            log.debug("envelope {} not routed after {}: its channel closed, the broker redelivers it",
                    label(attempt), failure.reason());
            finish(attempt, Works.Outcome.DEFERRED);
            return;
        }
        try {
            FailureRouter.Destination dest = router.route(props, delivery.body(), failure);
            ack(delivery);
            finish(attempt, dest == FailureRouter.Destination.DEAD_LETTER ? Works.Outcome.DEAD_LETTERED
                    : Works.Outcome.DEFERRED);
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
            requeue(delivery);
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

    private void ack(Delivery delivery) {
        settle(delivery, true);
    }

    private void requeue(Delivery delivery) {
        settle(delivery, false);
    }

    /**
     * Acks or nacks (with requeue) the delivery on the channel that delivered it. When that channel is closed
     * the broker has requeued the delivery already and redelivers it; settling its tag on another channel would
     * settle some other delivery there, or close that channel with PRECONDITION_FAILED.
     */
    private void settle(Delivery delivery, boolean ack) {
        Channel ch = delivery.channel();
        if (!ch.isOpen()) {
            log.debug("{} of delivery {} skipped: its channel closed, the broker redelivers it",
                    ack ? "ack" : "nack", delivery.tag());
            return;
        }
        try {
            if (ack) {
                ch.basicAck(delivery.tag(), false);
            } else {
                ch.basicNack(delivery.tag(), false, true);
            }
        } catch (IOException | RuntimeException e) {
            // the channel died meanwhile: the broker redelivers the envelope; ids are deterministic, so that is harmless
            log.warn("{} failed, the envelope will be redelivered: {}", ack ? "ack" : "nack", e.toString());
        }
    }

    /**
     * Graceful stop: take no new envelopes, let the ones in progress finish (up to {@code grace}), requeue the
     * ones not started, then close the channel (which requeues anything still unsettled).
     */
    public void stop(Duration grace) {
        stopping = true;
        reopening.shutdownNow();
        gate.shut(ConsumerGate.STOPPING);
        followGate();
        long deadline = System.nanoTime() + grace.toNanos();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
            // pushes already published: wait for their confirms, so their envelopes are acked, not redelivered
            synchronized (unsettled) {
                while (unsettled.get() > 0 && System.nanoTime() < deadline) {
                    unsettled.wait(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
                }
            }
            if (unsettled.get() > 0) {
                log.warn("{} envelope(s) still in progress after {}; they will be redelivered", unsettled.get(), grace);
            }
            followUps.shutdown();
            if (!followUps.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                followUps.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            followUps.shutdownNow();
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
