package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./email-intel demo} end to end, as a new user runs it: the fetcher over the demo mailbox, two
 * ingesters writing reports to files, the summary; a second run finds nothing new. Runs after both jars are
 * packaged (this module comes after the fetcher in the build).
 */
@ExtendWith(RabbitBrokerExtension.class)
class DemoIT {

    @TempDir
    Path out;

    @Test
    void theDemoShowsTheWholePipelineAndIsRepeatable(TestBroker broker) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("fetcher/target/fetcher.jar")).as("the fetcher jar is built first").exists();
        String prefix = broker.prefix("demo");
        broker.deleteAfterwards(new Topology(prefix, List.of(Duration.ofSeconds(2), Duration.ofSeconds(5))));

        String first = demo(root, prefix, broker.uri());
        assertThat(first).contains("14 e-mail(s) read, 14 published")
                .contains("skipped (not-allowed)").contains("skipped (inline-image)")
                .containsPattern("reports in .*: +13 ")
                .contains("dead letters:                 0");

        String second = demo(root, prefix, broker.uri());
        assertThat(second).contains("0 published, 14 already sent before").containsPattern("reports in .*: +13 ");
    }

    private String demo(Path root, String prefix, String uri) throws IOException, InterruptedException {
        Path log = out.resolve("demo-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("email-intel").toString(), "demo")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("EMAIL_INTEL_NO_BUILD", "1");
        pb.environment().put("EMAIL_INTEL_DEMO_PREFIX", prefix);
        pb.environment().put("EMAIL_INTEL_DEMO_OUT", out.resolve("demo").toString());
        pb.environment().put("PIPELINE_RABBITMQ_URI", uri);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = pb.start();
        try {
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the demo finishes").isTrue();
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("demo exit code; output:%n%s", text).isZero();
            return text;
        } finally {
            process.destroyForcibly();
        }
    }
}
