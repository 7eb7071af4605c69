package io.emailintel.fetcher.graph;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The page size asked for, halved each time a page still answers 504 after the throttling retries. Graph warns
 * that "returning a page with hundreds of messages each with a full response payload may trigger the gateway
 * timeout (HTTP 504)" (learn.microsoft.com/graph/api/user-list-messages, and the paging guidance in
 * graph/paging): a page that always times out would hold the cursor forever, a smaller one gets through. The size
 * stays reduced for the life of the process (the mailbox that needed it is likely to need it again).
 */
final class PageSize {

    private final int configured;
    private final AtomicInteger current;

    PageSize(int configured) {
        this.configured = configured;
        this.current = new AtomicInteger(configured);
    }

    int current() {
        return current.get();
    }

    int configured() {
        return configured;
    }

    /** Halves the size after a 504 on a page asked for with {@code used}; false when it is 1 already. */
    boolean halveAfter(int used) {
        if (used <= 1) {
            return false;
        }
        current.accumulateAndGet(Math.max(1, used / 2), Math::min);
        return true;
    }

    /** {@code link} with its {@code $top} (if any) set to {@code size}. */
    static String withTop(String link, int size) {
        return link.replaceAll("(?i)([?&](?:%24|\\$)top=)\\d+", "$1" + size);
    }
}
