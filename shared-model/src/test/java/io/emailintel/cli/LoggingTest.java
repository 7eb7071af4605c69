package io.emailintel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {

    private final PrintStream original = System.err;

    @AfterEach
    void restore() {
        System.setErr(original);
        Logging.configure("warn", "text");
    }

    private String capture(String level, String format, Runnable logs) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        Logging.configure(level, format);
        logs.run();
        System.err.flush();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonFormatWritesOneObjectPerLineForLogShippers() throws Exception {
        String out = capture("info", "json", () -> {
            LoggerFactory.getLogger("io.emailintel.test").info("envelope {} ingested", "e-1");
            LoggerFactory.getLogger("io.emailintel.test").debug("not at info");
        });
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("envelope e-1 ingested");
        assertThat(line.path("loggerName").asText()).isEqualTo("io.emailintel.test");
    }

    @Test
    void levelIsHonouredAndTextIsTheDefault() {
        String out = capture("error", "text", () -> {
            LoggerFactory.getLogger("io.emailintel.test").warn("quiet");
            LoggerFactory.getLogger("io.emailintel.test").error("loud");
        });
        assertThat(out).contains("ERROR").contains("loud").doesNotContain("quiet");
    }
}
