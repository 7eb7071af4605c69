package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class MboxReaderTest {

    @Test
    void splitsTheDemoMboxIntoItsTwoMessages() throws Exception {
        byte[] mbox = Files.readAllBytes(MimeMessageReaderTest.demoMailbox().resolve("13-weekly-digest.mbox"));
        List<byte[]> messages = MboxReader.split(mbox);
        assertThat(messages).hasSize(2);
        MimeMessageReader reader = new MimeMessageReader();
        assertThat(reader.read(messages.get(0)).subject()).isEqualTo("Digest: new EdgeGate exploit kit on forums");
        assertThat(reader.read(messages.get(1)).subject()).isEqualTo("Digest: phishing kit targets hospital webmail");
    }

    @Test
    void unquotesFromLinesAndOnlySplitsAfterABlankLine() {
        String mbox = "From a@x Sat Nov 28 07:00:00 2026\nSubject: one\n\nbody\n>From the start\nFrom inside a line\n\n"
                + "From b@x Sat Nov 28 08:00:00 2026\nSubject: two\n\nsecond\n";
        List<byte[]> messages = MboxReader.split(mbox.getBytes(StandardCharsets.UTF_8));
        assertThat(messages).hasSize(2);
        assertThat(new String(messages.get(0), StandardCharsets.UTF_8))
                .isEqualTo("Subject: one\n\nbody\nFrom the start\nFrom inside a line\n");
        assertThat(new String(messages.get(1), StandardCharsets.UTF_8)).isEqualTo("Subject: two\n\nsecond");
    }
}
