package io.emailintel.deadletter;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Inspects, replays and purges the dead-letter queue, safely while ingesters run.
 *
 * <p>Every operation walks the queue once with {@code basic.get} and manual acknowledgement, at most as many
 * messages as the queue held when it started. A message that is not moved stays unacknowledged until the walk
 * ends and then returns to the queue when the channel closes — nothing is lost if the process dies half-way.
 * A replayed message is removed from the dead-letter queue only after the broker confirmed its republication
 * to the work queue (and did not return it), so an interrupted replay can at worst leave a copy in both
 * queues, which the deterministic report ids make harmless.
 */
public final class DeadLetterQueue {

    /** What a walk did. */
    public record Outcome(int scanned, int matched, int moved, int failed, List<String> refused) {

        public Outcome {
            refused = List.copyOf(refused);
        }
    }

    /** Reports progress of a walk; called after every message. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (scanned, total, moved) -> { };

        void update(int scanned, int total, int moved);
    }

    /** KEEP leaves a message alone; KEEP_MATCHED too, but counts it (dry runs). */
    private enum Action { KEEP, KEEP_MATCHED, REMOVE, REPLAY }

    private static final long CONFIRM_TIMEOUT_MS = 30_000;
    private static final int REQUEUE_CHUNK = 32;

    private final Connection connection;
    private final Topology topology;
    private final Clock clock;
    private final DeadLetterReader reader = new DeadLetterReader();

    public DeadLetterQueue(Connection connection, Topology topology, Clock clock) {
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
    }

    /** Messages in the dead-letter queue right now (ready ones; those being inspected are not counted). */
    public long depth() throws IOException, TimeoutException {
        try (Channel ch = connection.createChannel()) {
            return ch.queueDeclarePassive(topology.deadLetterQueue()).getMessageCount();
        }
    }

    /** The matching dead letters, in queue order, at most {@code limit}; nothing is moved. */
    public List<DeadLetter> list(DeadLetterSelector selector, int limit, Progress progress)
            throws IOException, TimeoutException {
        List<DeadLetter> out = new ArrayList<>();
        walk((letter) -> {
            if (out.size() < limit && selector.matches(letter)) {
                out.add(letter);
            }
            return Action.KEEP;
        }, progress);
        return out;
    }

    /** Moves the matching dead letters back to the work queue (or only counts them, with {@code dryRun}). */
    public Outcome replay(DeadLetterSelector selector, boolean dryRun, List<DeadLetter> matched, Progress progress)
            throws IOException, TimeoutException {
        return walk(letter -> {
            if (!selector.matches(letter)) {
                return Action.KEEP;
            }
            matched.add(letter);
            return dryRun ? Action.KEEP_MATCHED : Action.REPLAY;
        }, progress);
    }

    /** Deletes the matching dead letters (or only counts them, with {@code dryRun}). */
    public Outcome purge(DeadLetterSelector selector, boolean dryRun, List<DeadLetter> matched, Progress progress)
            throws IOException, TimeoutException {
        return walk(letter -> {
            if (!selector.matches(letter)) {
                return Action.KEEP;
            }
            matched.add(letter);
            return dryRun ? Action.KEEP_MATCHED : Action.REMOVE;
        }, progress);
    }

    private interface Decision {
        Action decide(DeadLetter letter);
    }

    private Outcome walk(Decision decision, Progress progress) throws IOException, TimeoutException {
        int scanned = 0;
        int matched = 0;
        int moved = 0;
        int failed = 0;
        List<String> refused = new ArrayList<>();
        Channel walkChannel = connection.createChannel();
        Channel publishChannel = null;
        List<Long> kept = new ArrayList<>();
        try {
            int total = walkChannel.queueDeclarePassive(topology.deadLetterQueue()).getMessageCount();
            // Always the whole queue: kept messages go back in the order they were read, so a full walk
            // leaves the queue in its original order whether the broker requeues at the head (3.x) or at
            // the back (4.x).
            while (scanned < total) {
                GetResponse got = walkChannel.basicGet(topology.deadLetterQueue(), false);
                if (got == null) {
                    break;
                }
                scanned++;
                DeadLetter letter = reader.read(got.getProps(), got.getBody());
                Action action = decision.decide(letter);
                long tag = got.getEnvelope().getDeliveryTag();
                if (action != Action.KEEP) {
                    matched++;
                }
                if (action == Action.KEEP || action == Action.KEEP_MATCHED) {
                    kept.add(tag);
                }
                if (action == Action.REMOVE) {
                    walkChannel.basicAck(tag, false);
                    moved++;
                } else if (action == Action.REPLAY && unreplayable(got.getProps(), letter) != null) {
                    kept.add(tag);
                    refused.add(unreplayable(got.getProps(), letter));
                } else if (action == Action.REPLAY) {
                    if (publishChannel == null) {
                        publishChannel = openConfirmChannel();
                    }
                    if (republish(publishChannel, got, letter)) {
                        walkChannel.basicAck(tag, false);
                        moved++;
                    } else {
                        failed++;
                    }
                }
                progress.update(scanned, total, moved);
            }
            // In reading order: a channel close would return them in no particular order.
            requeueInOrder(walkChannel, kept);
        } finally {
            // after a failure, whatever is still unacknowledged returns to the queue here
            closeQuietly(publishChannel);
            closeQuietly(walkChannel);
        }
        return new Outcome(scanned, matched, moved, failed, refused);
    }

    /**
     * Why a dead letter cannot go back to the work queue, or null when it can. A {@code malformed-mail} dead
     * letter is the raw e-mail the fetcher could not parse ({@code message/rfc822}, not an envelope): on the
     * work queue the ingester could only dead-letter it again as {@code invalid-json}, losing why it failed
     * first. Nothing but the fetcher reads raw e-mail, so it stays in the dead-letter queue.
     */
    static String unreplayable(AMQP.BasicProperties props, DeadLetter letter) {
        if (!"malformed-mail".equals(letter.reason()) && !"message/rfc822".equals(props.getContentType())) {
            return null;
        }
        String name = letter.envelopeId().isEmpty() ? "(no id)" : letter.envelopeId();
        return "not replayed: " + name + " is an e-mail the fetcher could not read (" + letter.reason()
                + (letter.exceptionMessage().isEmpty() ? "" : ": " + letter.exceptionMessage())
                + "); the work queue takes envelopes only. It stays in the dead-letter queue: fix the file and let "
                + "the fetcher read it again, or purge it";
    }

    /**
     * Returns the kept messages in chunks of at most 32 ("multiple" nacks up to a tag): RabbitMQ 3.10's quorum
     * queue requeues the messages of one nack in the order of an Erlang map, which is sorted only up to 32
     * keys; chunks of that size keep the reading order. The channel merges nacks that arrive together, so
     * each chunk waits until the queue has taken the previous one back.
     */
    private void requeueInOrder(Channel ch, List<Long> kept) throws IOException {
        int base = ch.queueDeclarePassive(topology.deadLetterQueue()).getMessageCount();
        for (int end = Math.min(REQUEUE_CHUNK, kept.size()); end > 0; ) {
            ch.basicNack(kept.get(end - 1), true, true);
            awaitRequeued(ch, base + end);
            if (end == kept.size()) {
                break;
            }
            end = Math.min(end + REQUEUE_CHUNK, kept.size());
        }
    }

    /**
     * Requeueing is asynchronous in a quorum queue; wait (briefly) until the kept messages are ready again,
     * so that the next command, or the next walk of this one, sees the whole queue.
     */
    private void awaitRequeued(Channel ch, int ready) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ch.queueDeclarePassive(topology.deadLetterQueue()).getMessageCount() < ready
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Channel openConfirmChannel() throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        return ch;
    }

    private boolean republish(Channel ch, GetResponse got, DeadLetter letter) throws IOException {
        AMQP.BasicProperties props = got.getProps();
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        for (String h : List.of(Headers.ATTEMPTS, Headers.FAILURE_REASON, Headers.EXCEPTION_CLASS,
                Headers.EXCEPTION_MESSAGE, Headers.STAGE, Headers.FIRST_FAILURE_AT, Headers.LAST_FAILURE_AT,
                Headers.INSTANCE, Headers.RETRY_TIER, "x-death", "x-first-death-exchange", "x-first-death-queue",
                "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason",
                "x-delivery-count")) {
            headers.remove(h);
        }
        headers.put(Headers.REPLAY_COUNT, letter.replayCount() + 1);
        headers.put(Headers.REPLAYED_AT, clock.instant().toString());
        headers.put(Headers.REPLAYED_FROM_REASON, letter.reason());
        AMQP.BasicProperties out = props.builder().headers(headers).deliveryMode(2).expiration(null).build();
        AtomicBoolean returned = new AtomicBoolean();
        var listener = ch.addReturnListener(r -> returned.set(true));
        try {
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true, out, got.getBody());
            ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
            return !returned.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the broker to confirm a replay", e);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm a replay within " + CONFIRM_TIMEOUT_MS + " ms", e);
        } finally {
            ch.removeReturnListener(listener);
        }
    }

    private static void closeQuietly(Channel ch) {
        if (ch == null) {
            return;
        }
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the connection is going away; the broker requeues unacknowledged messages itself
        }
    }
}
