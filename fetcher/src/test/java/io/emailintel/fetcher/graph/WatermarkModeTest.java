package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.fetcher.fake.FakeGraph;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatermarkModeTest {

    private static final Instant WATERMARK = Instant.parse("2026-11-30T10:00:00Z");
    private FakeGraph graph;

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraph(TestMailboxes.MAILBOX);
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private GraphMailbox mailbox(SyncMode mode) {
        var client = GraphClients.client(URI.create(graph.baseUrl()), TestMailboxes.staticToken(), 0, Duration.ZERO,
                TestMailboxes.NO_WAIT, Clock.systemUTC());
        return new GraphMailbox(client, graph.baseUrl(), TestMailboxes.MAILBOX, "inbox", 10, 10,
                TestMailboxes.policy(List.of("text/plain")), Clock.systemUTC(), mode, Duration.ofMinutes(10),
                ListingFilter.none());
    }

    @Test
    void theListingStartsTheOverlapBeforeTheWatermarkAndDeltaIsNeverAsked() {
        graph.add("inbox-id", WATERMARK.minus(Duration.ofMinutes(5)), "indexed late");
        graph.add("inbox-id", WATERMARK.minus(Duration.ofMinutes(15)), "older");
        GraphMailbox mailbox = mailbox(SyncMode.WATERMARK);

        assertThat(mailbox.offersDelta()).isFalse();
        assertThat(mailbox.listSince(WATERMARK).items()).hasSize(1);
        Mailbox.Page round = mailbox.deltaStart();
        assertThat(round.items()).isEmpty();
        assertThat(mailbox.follow(round.deltaLink(), true).items()).isEmpty();
        assertThat(graph.requests()).noneMatch(r -> r.path().contains("delta"));
    }

    @Test
    void aCursorWrittenInWatermarkModeStartsANewDeltaRoundInDeltaMode() {
        String stored = mailbox(SyncMode.WATERMARK).deltaStart().deltaLink();

        assertThatThrownBy(() -> mailbox(SyncMode.DELTA).follow(stored, true))
                .isInstanceOf(Mailbox.DeltaExpiredException.class);
    }
}
