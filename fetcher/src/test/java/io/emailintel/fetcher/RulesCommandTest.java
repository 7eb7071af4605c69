package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.cli.ExitCodes;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fetcher rules test FILE.eml}: the fetcher's decision and the envelope it would publish. */
class RulesCommandTest {

    @TempDir
    Path dir;

    private String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(FetcherCommand.execute(args)).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void showsTheFilterDecisionAndWritesTheEnvelope() throws Exception {
        Path mail = dir.resolve("news.eml");
        Files.writeString(mail, "From: Vendor <news@vendor.example>\r\nTo: cti@corp.example\r\nSubject: Monthly "
                + "newsletter\r\nList-Id: <news.vendor.example>\r\nDate: Mon, 03 Nov 2025 13:00:00 +0000\r\n\r\nhi\r\n");
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "email_intel_microsoft:\n  rules:\n"
                + "    - {name: newsletters, match: {subject: newsletter}, skip: true}\n");
        Path out = dir.resolve("e.json");
        String text = run("rules", "test", "--config", config.toString(), mail.toString(), "--envelope-out",
                out.toString());
        assertThat(text).contains("rules matched:  newsletters")
                .contains("fetcher:        filtered by rule \"newsletters\": not published")
                .contains("(List-Id: <news.vendor.example>)");
        Envelope e = new EnvelopeCodec().decode(Files.readAllBytes(out));
        assertThat(e.subject()).isEqualTo("Monthly newsletter");
        assertThat(e.header("List-Id")).containsExactly("<news.vendor.example>");
    }
}
