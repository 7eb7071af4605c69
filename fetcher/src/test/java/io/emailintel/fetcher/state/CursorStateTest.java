package io.emailintel.fetcher.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CursorStateTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void aRunOfMessagesRecordedAtOnceEqualsRecordingThemOneByOne() {
        CursorState initial = CursorState.initial("cti@example.org", "Inbox", START).withMessage("m0",
                START.plusSeconds(5));
        List<String> ids = new ArrayList<>();
        CursorState oneByOne = initial;
        for (int i = 1; i <= CursorState.RECENT_LIMIT + 400; i++) {
            ids.add("m" + (i % 7 == 0 ? 0 : i));
            oneByOne = oneByOne.withMessage(ids.get(ids.size() - 1), START.plusSeconds(10 + i % 50));
        }

        CursorState atOnce = initial.withMessages(ids, START.plusSeconds(59));

        assertThat(atOnce).isEqualTo(oneByOne);
        assertThat(atOnce.recentIds()).hasSize(CursorState.RECENT_LIMIT);
    }

    @Test
    void theWatermarkNeverMovesBack() {
        CursorState s = CursorState.initial("cti@example.org", "Inbox", START);
        assertThat(s.withMessages(List.of("old"), START.minusSeconds(60)).watermark()).isEqualTo(START);
        assertThat(s.withMessages(List.of("unknown"), null).watermark()).isEqualTo(START);
    }
}
