package io.emailintel.fetcher.state;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Where the fetcher stands in one mailbox folder.
 *
 * @param mailbox     the mailbox, as configured
 * @param folder      the folder, as configured
 * @param phase       {@link Phase#BACKFILL} (listing by receivedDateTime) or {@link Phase#DELTA}
 * @param watermark   receivedDateTime of the newest committed message (during backfill: where the listing
 *                    resumes, inclusive)
 * @param deltaLink   the delta (or next) link to resume from; null in backfill and before the first delta round
 * @param caughtUp    false while the first delta round (which enumerates the folder) is under way; stored as
 *                    {@code settled} by earlier versions
 * @param floor       while the first delta round is under way: mail received before this is not new (the
 *                    committed watermark minus the overlap when the round began). Stored, so that a round resumed
 *                    after a crash filters as it began: the watermark moves while the round runs (delta lists the
 *                    folder in no particular order), and a floor taken from it again would skip mail on the pages
 *                    still to come. Null otherwise, and in files of earlier versions ({@link #withFloor})
 * @param recentIds   the ids of the most recently committed messages, oldest first, at most {@link #RECENT_LIMIT}:
 *                    they suppress duplicates where two windows overlap
 * @param updatedAt   when this state was committed
 */
public record CursorState(String mailbox, String folder, Phase phase, Instant watermark, String deltaLink,
                          @JsonAlias("settled") boolean caughtUp, Instant floor, List<String> recentIds,
                          Instant updatedAt) {

    public static final int RECENT_LIMIT = 1000;

    /** The two ways of reading the folder. */
    public enum Phase { BACKFILL, DELTA }

    public CursorState {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(watermark, "watermark");
        recentIds = recentIds == null ? List.of() : List.copyOf(recentIds);
    }

    /** The state before the first run: backfill everything received since {@code start}. */
    public static CursorState initial(String mailbox, String folder, Instant start) {
        return new CursorState(mailbox, folder, Phase.BACKFILL, start, null, false, null, List.of(), null);
    }

    /** Records a committed message. */
    public CursorState withMessage(String id, Instant receivedAt) {
        return withMessages(List.of(id), receivedAt);
    }

    /**
     * Records a run of committed messages in one step (a page's worth costs one copy of the recent ids, not one
     * per message); {@code newest} is the latest receivedDateTime among them, null when unknown.
     */
    public CursorState withMessages(List<String> ids, Instant newest) {
        LinkedHashSet<String> recent = new LinkedHashSet<>(recentIds);
        for (String id : ids) {
            recent.remove(id);
            recent.add(id);
        }
        List<String> list = new ArrayList<>(recent);
        if (list.size() > RECENT_LIMIT) {
            list = list.subList(list.size() - RECENT_LIMIT, list.size());
        }
        Instant mark = newest != null && newest.isAfter(watermark) ? newest : watermark;
        return new CursorState(mailbox, folder, phase, mark, deltaLink, caughtUp, floor, list, updatedAt);
    }

    /**
     * The backfill listing is exhausted: read incrementally from now on. The first delta round enumerates the
     * folder; only what was received after the backfill's last e-mail minus {@code overlap} is new.
     */
    public CursorState toDelta(Duration overlap) {
        return new CursorState(mailbox, folder, Phase.DELTA, watermark, null, false, watermark.minus(overlap),
                recentIds, updatedAt);
    }

    /** A delta page was fully committed; {@code link} resumes after it. A completed first round needs no floor. */
    public CursorState withLink(String link, boolean roundComplete) {
        boolean done = caughtUp || roundComplete;
        return new CursorState(mailbox, folder, Phase.DELTA, watermark, link, done, done ? null : floor, recentIds,
                updatedAt);
    }

    /** The delta token was rejected: enumerate again; new is what arrived after the watermark minus the overlap. */
    public CursorState resync(Duration overlap) {
        return new CursorState(mailbox, folder, Phase.DELTA, watermark, null, false, watermark.minus(overlap),
                recentIds, updatedAt);
    }

    /**
     * The floor of a first delta round begun by an earlier version, which stored none: taken from the watermark
     * now, once, and stored from then on. Any other state is returned as it is.
     */
    public CursorState withFloor(Duration overlap) {
        if (phase != Phase.DELTA || caughtUp || floor != null) {
            return this;
        }
        return new CursorState(mailbox, folder, phase, watermark, deltaLink, false, watermark.minus(overlap),
                recentIds, updatedAt);
    }

    public CursorState at(Instant time) {
        return new CursorState(mailbox, folder, phase, watermark, deltaLink, caughtUp, floor, recentIds, time);
    }

    public boolean seen(String id) {
        return recentIds.contains(id);
    }
}
