package io.emailintel.fetcher;

import io.emailintel.fetcher.state.CursorState;
import io.emailintel.fetcher.state.CursorStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cursor of one cycle: folds the positions the broker made committable into the state, and writes it to the
 * store at most every {@link #INTERVAL} (each write is an fsync), or when told to.
 */
final class CursorWriter {

    /** What a committed envelope or page end tells the cursor. */
    sealed interface Position {
    }

    /** An envelope of the listing or the delta round. */
    record MessageDone(String id, Instant receivedAt) implements Position {
    }

    /** The backfill listing's last page. */
    record BackfillDone() implements Position {
    }

    /** A delta page: {@code link} resumes after it; {@code roundComplete} on the round's last page. */
    record PageDone(String link, boolean roundComplete) implements Position {
    }

    /** How often the cursor file is rewritten while the cycle runs. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final CursorStorage store;
    private final Clock clock;
    private final Duration overlap;
    private CursorState state;
    private boolean dirty;
    private Instant nextWrite;

    CursorWriter(CursorStorage store, CursorState loaded, Clock clock, Duration overlap) {
        this.store = store;
        this.clock = clock;
        this.overlap = overlap;
        this.state = loaded.withFloor(overlap);
        this.dirty = !state.equals(loaded);
        this.nextWrite = clock.instant().plus(INTERVAL);
    }

    CursorState state() {
        return state;
    }

    /** Folds committable positions into the state, runs of messages in one step; returns how many messages. */
    int fold(List<Position> positions) {
        List<String> ids = new ArrayList<>();
        Instant newest = null;
        int messages = 0;
        for (Position p : positions) {
            dirty = true;
            if (p instanceof MessageDone m) {
                messages++;
                ids.add(m.id());
                newest = newest == null || (m.receivedAt() != null && m.receivedAt().isAfter(newest))
                        ? m.receivedAt() : newest;
                continue;
            }
            if (!ids.isEmpty()) {
                state = state.withMessages(ids, newest);
                ids = new ArrayList<>();
                newest = null;
            }
            state = p instanceof PageDone d ? state.withLink(d.link(), d.roundComplete()) : state.toDelta(overlap);
        }
        if (!ids.isEmpty()) {
            state = state.withMessages(ids, newest);
        }
        return messages;
    }

    /** Writes the state if it changed and the interval has passed. */
    void writeIfDue() {
        if (dirty && !clock.instant().isBefore(nextWrite)) {
            write();
        }
    }

    /** Writes the state if it changed. */
    void write() {
        if (!dirty) {
            return;
        }
        state = state.at(clock.instant());
        store.save(state);
        dirty = false;
        nextWrite = clock.instant().plus(INTERVAL);
    }

    /** The delta link was rejected: a new round, from the committed watermark minus the overlap; written at once. */
    void restartRound() {
        state = state.resync(overlap);
        dirty = true;
        write();
    }
}
