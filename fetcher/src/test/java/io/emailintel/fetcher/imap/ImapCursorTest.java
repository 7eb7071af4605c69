package io.emailintel.fetcher.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapCursorTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theLastUidNeverGoesBackAndTheNewestArrivalIsKept() {
        ImapCursor c = new ImapCursor(7, 10, null, T, List.of(), T);
        c = c.sent(5, T.minusSeconds(60), List.of());
        assertThat(c.lastUid()).isEqualTo(10);
        assertThat(c.newest()).isEqualTo(T);
        c = c.sent(12, T.plusSeconds(60), List.of("a@x"));
        assertThat(c.lastUid()).isEqualTo(12);
        assertThat(c.newest()).isEqualTo(T.plusSeconds(60));
    }

    @Test
    void onlyTheMostRecentMessageIdsAreRemembered() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ImapCursor.RECENT + 5; i++) {
            ids.add(i + "@x");
        }
        ImapCursor c = new ImapCursor(7, 0, null, null, List.of(), T).sent(1, T, ids);
        assertThat(c.recentIds()).hasSize(ImapCursor.RECENT).startsWith("5@x").endsWith((ImapCursor.RECENT + 4) + "@x");
    }

    @Test
    void aRereadStartsFromUidZeroUnderTheNewValidityAndKeepsWhatWasSent() {
        ImapCursor c = new ImapCursor(7, 40, null, T, List.of("a@x"), T).reread(9, T.minusSeconds(600));
        assertThat(c.uidValidity()).isEqualTo(9);
        assertThat(c.lastUid()).isZero();
        assertThat(c.floor()).isEqualTo(T.minusSeconds(600));
        assertThat(c.recentIds()).containsExactly("a@x");
        assertThat(c.newest()).isEqualTo(T);
        assertThat(c.caughtUp().floor()).isNull();
    }
}
