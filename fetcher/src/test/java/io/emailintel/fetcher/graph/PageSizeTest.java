package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.kiota.ApiException;
import io.emailintel.fetcher.fake.FakeGraph;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageSizeTest {

    @Test
    void halvingStopsAtOne() {
        PageSize size = new PageSize(5);
        assertThat(size.halveAfter(5)).isTrue();
        assertThat(size.current()).isEqualTo(2);
        assertThat(size.halveAfter(2)).isTrue();
        assertThat(size.halveAfter(1)).isFalse();
        assertThat(size.current()).isEqualTo(1);
    }

    @Test
    void theTopOfANextLinkFollowsTheSize() {
        assertThat(PageSize.withTop("https://graph/v1.0/users/x/messages?%24top=50&%24skip=50", 12))
                .isEqualTo("https://graph/v1.0/users/x/messages?%24top=12&%24skip=50");
        assertThat(PageSize.withTop("https://graph/x?$filter=a&$top=50", 6)).isEqualTo("https://graph/x?$filter=a&$top=6");
        assertThat(PageSize.withTop("https://graph/x?%24skiptoken=abc", 6)).isEqualTo("https://graph/x?%24skiptoken=abc");
    }

    private static List<String> listAll(GraphMailbox mailbox, boolean delta) {
        List<String> ids = new ArrayList<>();
        Mailbox.Page page = delta ? mailbox.deltaStart() : mailbox.listSince(Instant.EPOCH);
        page.items().forEach(i -> ids.add(i.id()));
        while (page.nextLink() != null) {
            page = mailbox.follow(page.nextLink(), delta);
            page.items().forEach(i -> ids.add(i.id()));
        }
        return ids;
    }

    @Test
    void pagesThatAlwaysTimeOutAreAskedForInSmallerPieces() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            for (int i = 0; i < 40; i++) {
                graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z").plusSeconds(i), "advisory " + i);
            }
            graph.timeOutPagesLargerThan(10);

            List<String> listed = listAll(TestMailboxes.mailbox(graph, "inbox", 50, 1), false);
            List<String> delta = listAll(TestMailboxes.mailbox(graph, "inbox", 50, 1), true);

            assertThat(listed).hasSize(40).doesNotHaveDuplicates();
            assertThat(delta).hasSize(40).doesNotHaveDuplicates();
            assertThat(graph.gatewayTimeouts()).isPositive();
        }
    }

    @Test
    void aPageThatTimesOutEvenAtOneMessageStillFails() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z"), "advisory");
            graph.timeOutPagesLargerThan(0);

            assertThatThrownBy(() -> TestMailboxes.mailbox(graph, "inbox", 8, 0).listSince(Instant.EPOCH))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getResponseStatusCode())
                            .isEqualTo(504));
        }
    }

    @Test
    void everyMessageIsReadWhenGraphServesSmallerPagesThanAskedFor() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            for (int i = 0; i < 45; i++) {
                graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z").plusSeconds(i), "advisory " + i);
            }
            graph.servePagesOfAtMost(7);

            List<String> listed = listAll(TestMailboxes.mailbox(graph, "inbox", 100, 1), false);
            List<String> delta = listAll(TestMailboxes.mailbox(graph, "inbox", 100, 1), true);

            assertThat(listed).hasSize(45).doesNotHaveDuplicates();
            assertThat(delta).hasSize(45).doesNotHaveDuplicates();
        }
    }

    @Test
    void theLargestPageSizeTheSettingsAllowIsOneGraphAccepts() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z"), "advisory");

            Mailbox.Page page = TestMailboxes.mailbox(graph, "inbox", FakeGraph.MAX_LISTING_TOP, 0)
                    .listSince(Instant.EPOCH);

            assertThat(page.items()).hasSize(1);
        }
    }
}
