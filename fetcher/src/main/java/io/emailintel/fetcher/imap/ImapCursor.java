package io.emailintel.fetcher.imap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * IMAP's own offset (RFC 9051 §2.3.1.1): UIDs only grow within one {@code UIDVALIDITY}, so "every UID up to
 * {@code lastUid} was confirmed by the broker" is the whole cursor. A new {@code UIDVALIDITY} (the folder was
 * recreated, restored or migrated) makes the UIDs meaningless: the folder is read again by arrival date from
 * {@code floor}, the Message-IDs sent recently suppressed.
 *
 * @param uidValidity the folder's UIDVALIDITY the UIDs belong to
 * @param lastUid     the highest UID of an unbroken confirmed run (0: none yet)
 * @param floor       while a read by date is under way (the first run, or after a UIDVALIDITY change): only
 *                    messages that arrived at or after it are sent; null afterwards
 * @param newest      the newest arrival time (INTERNALDATE) of a message sent, or null
 * @param recentIds   the Message-IDs of the last {@link #RECENT} messages sent, oldest first
 * @param updatedAt   when it was written
 */
record ImapCursor(long uidValidity, long lastUid, Instant floor, Instant newest, List<String> recentIds,
                  Instant updatedAt) {

    static final int RECENT = 2_000;

    ImapCursor {
        recentIds = recentIds == null ? List.of() : List.copyOf(recentIds);
    }

    /** A read by date of the folder with this UIDVALIDITY, from {@code floor}; what was sent is kept. */
    ImapCursor reread(long newUidValidity, Instant newFloor) {
        return new ImapCursor(newUidValidity, 0, newFloor, newest, recentIds, updatedAt);
    }

    /** Messages up to {@code uid} are confirmed. */
    ImapCursor sent(long uid, Instant arrived, List<String> messageIds) {
        List<String> ids = new ArrayList<>(recentIds);
        ids.addAll(messageIds);
        if (ids.size() > RECENT) {
            ids = new ArrayList<>(ids.subList(ids.size() - RECENT, ids.size()));
        }
        Instant n = newest == null || arrived != null && arrived.isAfter(newest) ? arrived : newest;
        return new ImapCursor(uidValidity, Math.max(lastUid, uid), floor, n, ids, updatedAt);
    }

    /** The read by date went through the whole folder: from now on every higher UID is new mail. */
    ImapCursor caughtUp() {
        return new ImapCursor(uidValidity, lastUid, null, newest, recentIds, updatedAt);
    }

    ImapCursor at(Instant now) {
        return new ImapCursor(uidValidity, lastUid, floor, newest, recentIds, now);
    }
}
