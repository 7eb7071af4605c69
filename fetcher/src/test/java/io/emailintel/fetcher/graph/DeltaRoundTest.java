package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.fake.FakeGraph;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaRoundTest {

    private static Mailbox.Item item(String id) {
        return new Mailbox.Item(id, Instant.EPOCH, false, null);
    }

    private static List<String> ids(Mailbox.Page page) {
        return page.items().stream().map(Mailbox.Item::id).toList();
    }

    @Test
    void anItemListedAgainInTheSameRoundIsPassedOnOnce() {
        DeltaRound round = new DeltaRound();
        Mailbox.Page first = round.filter(new Mailbox.Page(List.of(item("a"), item("b")), "next-1", null), false);
        assertThat(round.continues("next-1")).isTrue();
        Mailbox.Page second = round.filter(new Mailbox.Page(List.of(item("b"), item("c"), item("a")), null, "delta"),
                true);

        assertThat(ids(first)).containsExactly("a", "b");
        assertThat(ids(second)).containsExactly("c");
        assertThat(second.deltaLink()).isEqualTo("delta");
    }

    @Test
    void aPageReadAgainFromAStoredLinkIsNotFiltered() {
        DeltaRound round = new DeltaRound();
        round.filter(new Mailbox.Page(List.of(item("a"), item("b")), "next-1", null), false);
        round.filter(new Mailbox.Page(List.of(item("c")), "next-2", null), true);

        // the cycle failed before page 2 was published; the next one resumes from next-1
        assertThat(round.continues("next-1")).isFalse();
        assertThat(ids(round.filter(new Mailbox.Page(List.of(item("c")), "next-2", null), false)))
                .containsExactly("c");
    }

    @Test
    void aNewRoundForgetsTheLastOne() {
        DeltaRound round = new DeltaRound();
        round.filter(new Mailbox.Page(List.of(item("a")), null, "delta-1"), false);

        assertThat(round.remembered()).isZero();
        assertThat(round.continues("delta-1")).isFalse();
        assertThat(ids(round.filter(new Mailbox.Page(List.of(item("a")), null, "delta-2"), false))).containsExactly("a");
    }

    @Test
    void memoryIsBoundedPerRound() {
        DeltaRound round = new DeltaRound(2);
        round.filter(new Mailbox.Page(List.of(item("a"), item("b"), item("c")), "n", null), false);

        assertThat(round.remembered()).isEqualTo(2);
        assertThat(ids(round.filter(new Mailbox.Page(List.of(item("a"), item("c")), null, "d"), true)))
                .containsExactly("c");
    }

    @Test
    void repeatsGraphSendsWithinARoundCostNoSecondFetch() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            for (int i = 0; i < 9; i++) {
                graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z").plusSeconds(i), "advisory " + i);
            }
            graph.repeatItemsInDeltaRounds();
            GraphMailbox mailbox = TestMailboxes.mailbox(graph, "inbox", 3, 0);

            List<String> listed = new ArrayList<>();
            Mailbox.Page page = mailbox.deltaStart();
            listed.addAll(ids(page));
            while (page.nextLink() != null) {
                page = mailbox.follow(page.nextLink(), true);
                listed.addAll(ids(page));
            }

            assertThat(listed).hasSize(9).doesNotHaveDuplicates();
            assertThat(page.deltaLink()).isNotNull();
        }
    }
}
