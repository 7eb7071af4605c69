package io.emailintel.reliability.hostile;

import io.emailintel.fetcher.fake.FakeGraph;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One hostile e-mail of the corpus, in both forms the fetcher reads.
 *
 * @param slug  a short name; the e-mail's Message-ID is {@code <slug@hostile.example>}, which is how the test
 *              finds its report again
 * @param what  what is hostile about it, for failure messages
 * @param eml   the .eml bytes (built on demand: some are tens of megabytes)
 * @param graph adds the Graph form of it to a fake mailbox, or null where Graph cannot express it
 */
record HostileCase(String slug, String what, Supplier<byte[]> eml, GraphForm graph) {

    static final String DOMAIN = "hostile.example";

    /** Adds this e-mail to the fake Graph mailbox's inbox. */
    interface GraphForm {
        void addTo(FakeGraph graph, FakeGraph.Content base, Instant receivedAt);
    }

    String messageId() {
        return "<" + slug + "@" + DOMAIN + ">";
    }

    boolean inGraph() {
        return graph != null;
    }
}
