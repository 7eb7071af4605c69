package io.emailintel.fetcher.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CursorStoreTest {

    @TempDir
    Path dir;

    @Test
    void aSavedStateIsLoadedBackUnchanged() throws Exception {
        CursorStore store = new CursorStore(dir, "CTI@example.org", "Inbox/CTI");
        CursorState state = CursorState.initial("CTI@example.org", "Inbox/CTI", Instant.parse("2026-01-01T00:00:00Z"))
                .withMessage("m1", Instant.parse("2026-01-02T00:00:00Z"))
                .toDelta(java.time.Duration.ofMinutes(10)).withLink("https://graph/delta?token=1", true)
                .at(Instant.parse("2026-01-03T00:00:00Z"));
        store.save(state);

        assertThat(store.load()).contains(state);
        assertThat(store.file().getFileName().toString()).isEqualTo("cti@example.org--inbox_cti.json");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(store.file()); // no temp file left behind
        }
    }

    @Test
    void oneFilePerMailboxAndFolder() {
        assertThat(new CursorStore(dir, "a@x", "Inbox").file())
                .isNotEqualTo(new CursorStore(dir, "a@x", "Archive").file())
                .isNotEqualTo(new CursorStore(dir, "b@x", "Inbox").file());
    }

    @Test
    void noFileMeansNoState() {
        assertThat(new CursorStore(dir, "a@x", "Inbox").load()).isEmpty();
    }

    @Test
    void aCorruptFileIsAClearErrorNotASilentRestart() throws Exception {
        CursorStore store = new CursorStore(dir, "a@x", "Inbox");
        Files.writeString(store.file(), "{\"mailbox\": \"a@x\", \"phase\": ");

        assertThatThrownBy(store::load).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(store.file().toString())
                .hasMessageContaining("state reset");
    }

    @Test
    void aResetDeletesTheState() {
        CursorStore store = new CursorStore(dir, "a@x", "Inbox");
        store.save(CursorState.initial("a@x", "Inbox", Instant.EPOCH));
        assertThat(store.reset()).isTrue();
        assertThat(store.load()).isEmpty();
    }

    @Test
    void recentIdsStayBoundedAndTheWatermarkNeverMovesBack() {
        CursorState s = CursorState.initial("a@x", "Inbox", Instant.parse("2026-01-01T00:00:00Z"));
        for (int i = 0; i < CursorState.RECENT_LIMIT + 10; i++) {
            s = s.withMessage("m" + i, Instant.parse("2026-01-02T00:00:00Z"));
        }
        s = s.withMessage("old", Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(s.recentIds()).hasSize(CursorState.RECENT_LIMIT).doesNotContain("m0").contains("old");
        assertThat(s.watermark()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
    }

    @Test
    void aFileOfTheEarlierVersionIsReadAndItsFirstRoundGetsAFloorOnce() throws Exception {
        CursorStore store = new CursorStore(dir, "a@x", "Inbox");
        Files.writeString(store.file(), """
                {"mailbox":"a@x","folder":"Inbox","phase":"DELTA","watermark":"2026-01-02T00:00:00Z",
                 "deltaLink":"https://graph/next?skiptoken=1","settled":false,"recentIds":["m1"],
                 "updatedAt":"2026-01-03T00:00:00Z"}""");

        CursorState old = store.load().orElseThrow();
        assertThat(old.caughtUp()).isFalse();
        assertThat(old.floor()).isNull();

        java.time.Duration overlap = java.time.Duration.ofMinutes(10);
        CursorState resumed = old.withFloor(overlap).withMessage("m2", Instant.parse("2026-01-05T00:00:00Z"));
        assertThat(resumed.floor()).isEqualTo(Instant.parse("2026-01-01T23:50:00Z"));
        assertThat(resumed.withFloor(overlap).floor()).as("taken once, not from the moved watermark")
                .isEqualTo(Instant.parse("2026-01-01T23:50:00Z"));
        assertThat(resumed.withLink("https://graph/delta?token=2", true).floor()).isNull();
    }

    @Test
    void anOlderFileThatSaysTheFirstRoundIsDoneStaysCaughtUp() throws Exception {
        CursorStore store = new CursorStore(dir, "a@x", "Inbox");
        Files.writeString(store.file(), """
                {"mailbox":"a@x","folder":"Inbox","phase":"DELTA","watermark":"2026-01-02T00:00:00Z",
                 "deltaLink":"https://graph/delta?token=1","settled":true,"recentIds":[]}""");

        assertThat(store.load()).get().extracting(CursorState::caughtUp).isEqualTo(true);
    }
}
