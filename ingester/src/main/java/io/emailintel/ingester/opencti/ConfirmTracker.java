package io.emailintel.ingester.opencti;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The unconfirmed publishes of one confirm channel, by publish sequence number, grouped into pushes: a push
 * (the messages of one bundle) succeeds once the broker confirmed every one of its messages and returned none,
 * and fails as soon as one is nacked or returned, or the channel goes down. Several pushes are in flight at
 * once, so no thread waits for confirms; the broker confirms in any grouping ({@code multiple}), and a
 * {@code basic.return} always comes before the {@code basic.ack} of the same message (RabbitMQ's publisher
 * confirms guide), so a returned message is known before its push could complete.
 *
 * <p>A push can succeed only once it is {@linkplain #sealed sealed}: the broker may confirm a push's first
 * message before its publisher has handed over the next one (it does, under load: issue 12's lost e-mail, where
 * the first message's ack completed a push whose later messages were then returned). Until the publisher says
 * every message is out, an all-confirmed count proves nothing; a nack or a return fails it at once.
 *
 * <p>Futures are completed outside the lock, on the thread that delivered the confirm; callers continue
 * elsewhere ({@code *Async}) rather than doing work on the broker connection's thread.
 */
final class ConfirmTracker {

    /** Why a push failed; mapped to an {@link OpenCtiException} by the caller. */
    enum Outcome { NACKED, RETURNED }

    /** One bundle's messages: {@code first..last} sequence numbers (published together, so contiguous). */
    static final class Push {
        /** Completes with null on success, or the reason it failed; exceptionally when the channel went down. */
        final CompletableFuture<Outcome> done = new CompletableFuture<>();
        private long first = -1;
        private long last = -1;
        private int unconfirmed;
        private boolean returned;
        private boolean nacked;
        /** Every message of the push has been published: it may succeed now. */
        private boolean sealed;
    }

    private final NavigableMap<Long, Push> outstanding = new TreeMap<>();

    /** Records message {@code seq} (about to be published) as part of {@code push}. */
    synchronized void published(Push push, long seq) {
        if (push.first < 0) {
            push.first = seq;
        }
        push.last = seq;
        push.unconfirmed++;
        outstanding.put(seq, push);
    }

    /** The broker returned message {@code seq} (unroutable): its push fails when the message is confirmed. */
    synchronized void returned(long seq) {
        Push p = outstanding.get(seq);
        if (p != null) {
            p.returned = true;
        }
    }

    /**
     * The broker confirmed ({@code ack}) or refused message {@code seq}, or every outstanding one up to it
     * ({@code multiple}).
     */
    void confirmed(long seq, boolean multiple, boolean ack) {
        List<Push> succeeded = new ArrayList<>();
        List<Push> failed = new ArrayList<>();
        List<Push> returnedPushes = new ArrayList<>();
        synchronized (this) {
            NavigableMap<Long, Push> settled = multiple ? outstanding.headMap(seq, true)
                    : outstanding.subMap(seq, true, seq, true);
            Set<Push> touched = new LinkedHashSet<>();
            for (Push p : settled.values()) {
                p.unconfirmed--;
                p.nacked |= !ack;
                touched.add(p);
            }
            settled.clear();
            for (Push p : touched) {
                if (p.done.isDone()) {
                    continue;
                }
                if (p.nacked) {
                    failed.add(p);
                    forget(p);
                } else if (p.returned) {
                    returnedPushes.add(p);
                    forget(p);
                } else if (p.sealed && p.unconfirmed == 0) {
                    succeeded.add(p);
                }
            }
        }
        succeeded.forEach(p -> p.done.complete(null));
        failed.forEach(p -> p.done.complete(Outcome.NACKED));
        returnedPushes.forEach(p -> p.done.complete(Outcome.RETURNED));
    }

    /**
     * The publisher has published every message of {@code p} (recorded with {@link #published} first): it
     * succeeds now if the broker has already confirmed them all, or with the confirm of its last one.
     */
    void sealed(Push p) {
        boolean succeeded;
        synchronized (this) {
            p.sealed = true;
            succeeded = !p.done.isDone() && !p.nacked && !p.returned && p.unconfirmed == 0;
        }
        if (succeeded) {
            p.done.complete(null);
        }
    }

    /** Drops the push's messages still outstanding (it failed or timed out; later confirms are ignored). */
    synchronized void forget(Push p) {
        if (p.first >= 0) {
            outstanding.subMap(p.first, true, p.last, true).clear();
        }
    }

    /** The channel went down: every outstanding push fails. */
    void failAll(Throwable cause) {
        List<Push> pending;
        synchronized (this) {
            pending = new ArrayList<>(new LinkedHashSet<>(outstanding.values()));
            outstanding.clear();
        }
        pending.forEach(p -> p.done.completeExceptionally(cause));
    }

    /** Messages published and not yet confirmed. */
    synchronized int outstanding() {
        return outstanding.size();
    }
}
