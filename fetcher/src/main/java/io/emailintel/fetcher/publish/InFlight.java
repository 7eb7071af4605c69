package io.emailintel.fetcher.publish;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The cursor positions a cycle has published and not committed yet, in publish order — Kafka Connect's
 * {@code SubmittedRecords}. The cycle that moves the cursor owns it; each publish's confirm (the future
 * {@link EnvelopePublisher} returns) acks its position. Only an unbroken run of confirmed positions from the oldest
 * one is committable: a cursor never passes an envelope the broker has not confirmed, or returned.
 *
 * <p>Words used here and by its callers: a position is <em>unconfirmed</em> until its publish's future completes,
 * then <em>confirmed</em> or <em>failed</em>; <em>committable</em> once it and everything before it is confirmed.
 * Thread-safe: futures complete on the broker connection's thread.
 *
 * @param <P> what a committed position tells the cursor (a message, or the end of a page)
 */
public final class InFlight<P> {

    private enum Fate { UNCONFIRMED, CONFIRMED, FAILED }

    private static final class Entry<P> {
        final P position;
        Fate fate;

        Entry(P position, Fate fate) {
            this.position = position;
            this.fate = fate;
        }
    }

    private final Object lock = new Object();
    private final Deque<Entry<P>> entries = new ArrayDeque<>();
    private int unconfirmed;
    private Throwable firstFailure;

    /** Adds a published position; {@code confirm} completing normally confirms it, exceptionally fails it. */
    public void track(P position, CompletionStage<?> confirm) {
        Entry<P> e = new Entry<>(position, Fate.UNCONFIRMED);
        synchronized (lock) {
            entries.addLast(e);
            unconfirmed++;
        }
        confirm.whenComplete((ignored, error) -> answered(e, error));
    }

    /** Adds a position that needs no confirm (the end of a page): committable once everything before it is. */
    public void mark(P position) {
        synchronized (lock) {
            entries.addLast(new Entry<>(position, Fate.CONFIRMED));
        }
    }

    private void answered(Entry<P> e, Throwable error) {
        synchronized (lock) {
            unconfirmed--;
            if (error == null) {
                e.fate = Fate.CONFIRMED;
            } else {
                e.fate = Fate.FAILED;
                if (firstFailure == null) {
                    firstFailure = error instanceof CompletionException c && c.getCause() != null ? c.getCause()
                            : error;
                }
            }
            lock.notifyAll();
        }
    }

    /** Removes and returns the unbroken run of confirmed positions at the head, oldest first. */
    public List<P> committable() {
        List<P> out = new ArrayList<>();
        synchronized (lock) {
            while (!entries.isEmpty() && entries.peekFirst().fate == Fate.CONFIRMED) {
                out.add(entries.pollFirst().position);
            }
        }
        return out;
    }

    /** Positions published and not confirmed or failed yet. */
    public int unconfirmed() {
        synchronized (lock) {
            return unconfirmed;
        }
    }

    /**
     * Waits until at most {@code max} positions are unconfirmed: a bound on how far publishing runs ahead of the
     * broker ({@code 0}: every confirm is in).
     *
     * @throws NotConfirmedException as soon as any publish failed (nothing behind it can be committed in this
     *                               cycle), or when the broker did not answer within {@code timeout}
     */
    public void awaitUnconfirmedAtMost(int max, Duration timeout) throws NotConfirmedException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (firstFailure == null && unconfirmed > max) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NotConfirmedException("the broker did not confirm every envelope within " + timeout
                            + " (" + unconfirmed + " unconfirmed); the cursor stays before the first one missing");
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            if (firstFailure != null) {
                throw new NotConfirmedException("the broker did not confirm every envelope: "
                        + firstFailure.getMessage() + "; the cursor stays before it", firstFailure);
            }
        }
    }

    /**
     * After a failure: waits, at most {@code timeout}, for the broker to answer every publish, so that what it
     * confirmed before the failure becomes committable. Failures do not end the wait.
     */
    public void drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (unconfirmed > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
