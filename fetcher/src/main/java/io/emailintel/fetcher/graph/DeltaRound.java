package io.emailintel.fetcher.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids one delta round has already handed out, so that an item Graph lists again within the same round is not
 * fetched (and its attachments downloaded) twice: a delta round may list one item more than once, and replays
 * are possible (learn.microsoft.com/graph/delta-query-overview; graph/api/message-delta). Repeats across rounds are left to the cursor's recent ids and the idempotent ingester.
 *
 * <p>A round continues only through the next link of the page handed out last. Any other link (a stored delta or
 * next link when a cycle resumes, a new round) starts afresh: ids from pages that were handed out but perhaps never
 * published must not hide those items when their page is read again.
 *
 * <p>Memory: at most {@link #MAX_IDS} ids are remembered per round (immutable ids are about 150 characters, so
 * some 40 MB at the limit); past it, later ids are passed on unchecked (a repeat then costs a GET, nothing worse).
 */
final class DeltaRound {

    static final int MAX_IDS = 100_000;

    private final int maxIds;
    private final Set<String> seen = new HashSet<>();
    private String expectedNext;

    DeltaRound() {
        this(MAX_IDS);
    }

    DeltaRound(int maxIds) {
        this.maxIds = maxIds;
    }

    /** Whether a page fetched from {@code link} continues the round in progress. */
    synchronized boolean continues(String link) {
        return link != null && link.equals(expectedNext);
    }

    /**
     * The page's items without those already handed out this round; {@code continuing} false starts a new round.
     * Removed entries pass untouched (they are never fetched).
     */
    synchronized Mailbox.Page filter(Mailbox.Page page, boolean continuing) {
        if (!continuing) {
            seen.clear();
        }
        List<Mailbox.Item> fresh = new ArrayList<>(page.items().size());
        for (Mailbox.Item item : page.items()) {
            if (item.removed() || item.id() == null) {
                fresh.add(item);
            } else if (seen.contains(item.id())) {
                continue;
            } else {
                if (seen.size() < maxIds) {
                    seen.add(item.id());
                }
                fresh.add(item);
            }
        }
        expectedNext = page.nextLink();
        if (page.nextLink() == null) {
            seen.clear(); // the round is complete
        }
        return fresh.size() == page.items().size() ? page : new Mailbox.Page(fresh, page.nextLink(), page.deltaLink());
    }

    synchronized int remembered() {
        return seen.size();
    }
}
