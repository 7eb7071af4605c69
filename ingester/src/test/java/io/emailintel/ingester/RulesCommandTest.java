package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.cli.ExitCodes;
import io.emailintel.ingester.stix.StixIds;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingester rules test --envelope}: the decision and the report metadata, with nothing sent. */
class RulesCommandTest {

    @TempDir
    Path dir;

    private static String stdout(Callable<Integer> call, int expectedCode) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(call.call()).isEqualTo(expectedCode);
        } finally {
            System.setOut(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private Path config() throws Exception {
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                email_intel_microsoft:
                  rules:
                    - {name: isac, match: {from: "isac.example"}, author: ISAC X, tlp: green, labels: [isac]}
                    - {name: noise, match: {subject: newsletter}, skip: true}
                """);
        return config;
    }

    private Path envelope(String subject, String body) throws Exception {
        Envelope e = Envelope.builder().source(EnvelopeFixtures.source(subject)).subject(subject)
                .from(EmailAddress.of("alerts@isac.example")).body(new EnvelopeBody(EnvelopeBody.TEXT, body))
                .receivedAt(Instant.parse("2025-11-03T09:00:00Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH)
                .build();
        Path file = dir.resolve(subject.replaceAll("\\W", "_") + ".json");
        Files.write(file, new EnvelopeCodec().encode(e));
        return file;
    }

    @Test
    void printsTheRulesThatMatchAndTheReportThatWouldResult() throws Exception {
        Path config = config();
        Path e = envelope("Bulletin 7", "TLP:RED details");
        String out = stdout(() -> IngesterCommand.execute("rules", "test", "--config", config.toString(),
                "--envelope", e.toString()), ExitCodes.OK);
        assertThat(out).contains("rules matched:  isac")
                .contains("TLP markers:    marker \"TLP:RED\" in the body")
                .contains("outcome:        report " + StixIds.reportId("Bulletin 7",
                        Instant.parse("2025-11-03T09:00:00Z")))
                .contains("author:       ISAC X (" + StixIds.organizationId("ISAC X") + ")")
                .contains("marking:      TLP:RED (marker \"TLP:RED\" in the body, stricter than rule \"isac\")")
                .contains("labels:       isac");
    }

    @Test
    void saysWhichRuleFiltersAnEmail() throws Exception {
        Path config = config();
        Path e = envelope("Monthly newsletter", "");
        String out = stdout(() -> IngesterCommand.execute("rules", "test", "--config", config.toString(),
                "--envelope", e.toString()), ExitCodes.OK);
        assertThat(out).contains("outcome:        filtered by rule \"noise\": no report");
    }

    @Test
    void needsNoOpenCtiSettingsButRefusesBadRules() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "email_intel_microsoft:\n  rules:\n    - {name: a, tlp: purple}\n");
        Path e = envelope("x", "");
        stdout(() -> IngesterCommand.execute("rules", "test", "--config", bad.toString(), "--envelope",
                e.toString()), ExitCodes.CONFIG);
    }
}
