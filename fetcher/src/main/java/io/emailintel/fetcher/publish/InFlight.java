package io.emailintel.fetcher.publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Positions submitted in order, each settled later (confirmed or failed), possibly out of order. Only an
 * unbroken run of confirmed positions from the oldest one may be committed — Kafka Connect's
 * {@code SubmittedRecords}: a cursor never passes an envelope the broker has not confirmed.
 *
 * <p>Not thread-safe; {@link EnvelopePublisher} guards it.
 *
 * @param <P> what a committed position tells the cursor (a message, or the end of a page)
 */
public final class InFlight<P> {

    /** A submitted position and its fate. */
    public static final class Submitted<P> {
        private final P position;
        private State state = State.PENDING;

        private Submitted(P position) {
            this.position = position;
        }

        public P position() {
            return position;
        }

        boolean confirmed() {
            return state == State.CONFIRMED;
        }

        boolean failed() {
            return state == State.FAILED;
        }
    }

    private enum State { PENDING, CONFIRMED, FAILED }

    private final Deque<Submitted<P>> queue = new ArrayDeque<>();
    private int pending;
    private int failed;

    /** Adds a position that awaits its confirm. */
    public Submitted<P> submit(P position) {
        Submitted<P> s = new Submitted<>(position);
        queue.addLast(s);
        pending++;
        return s;
    }

    /** Adds a position that needs no confirm (e.g. the end of a page): committable once all before it are. */
    public void submitSettled(P position) {
        Submitted<P> s = new Submitted<>(position);
        s.state = State.CONFIRMED;
        queue.addLast(s);
    }

    /** The broker confirmed it. A position that already failed stays failed (a return precedes its ack). */
    public void confirm(Submitted<P> s) {
        settle(s, State.CONFIRMED);
    }

    /** The broker returned or refused it, or it was never sent: the cursor must stop before it. */
    public void fail(Submitted<P> s) {
        settle(s, State.FAILED);
    }

    private void settle(Submitted<P> s, State state) {
        if (state == State.FAILED && s.state != State.FAILED) {
            failed++; // a failed position stays in the queue (it blocks the head), so the count only grows
        }
        if (s.state == State.PENDING) {
            pending--;
            s.state = state;
        } else if (state == State.FAILED) {
            s.state = State.FAILED;
        }
    }

    /** Removes and returns the unbroken run of confirmed positions at the head, oldest first. */
    public List<P> committable() {
        List<P> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peekFirst().confirmed()) {
            out.add(queue.pollFirst().position);
        }
        return out;
    }

    /** Positions submitted and not yet confirmed or failed. */
    public int pending() {
        return pending;
    }

    /** True when a position at the head failed: nothing behind it can ever be committed in this cycle. */
    public boolean blocked() {
        return !queue.isEmpty() && queue.peekFirst().failed();
    }

    /** True when any position still held failed. */
    public boolean anyFailed() {
        return failed > 0;
    }
}
