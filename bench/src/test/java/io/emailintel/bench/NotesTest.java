package io.emailintel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NotesTest {

    @Test
    void whatIsBetweenTheMarkersIsKeptVerbatim() {
        String inner = "\n- JFR before: 60 % in BodySanitizer\n\n| a | b |\n|---|---|\n";
        assertThat(Notes.inner("# Results\n" + Notes.START + inner + Notes.END + "\ntrailing")).isEqualTo(inner);
    }

    @Test
    void withoutMarkersThereIsAOneLinePlaceholder() {
        assertThat(Notes.inner("# Results\n\nno block")).isEqualTo(Notes.PLACEHOLDER);
        assertThat(Notes.PLACEHOLDER.strip()).doesNotContain("\n");
    }

    @Test
    void anUnterminatedBlockIsNotGuessedAt() {
        assertThat(Notes.inner(Notes.START + " half written")).isEqualTo(Notes.PLACEHOLDER);
    }
}
