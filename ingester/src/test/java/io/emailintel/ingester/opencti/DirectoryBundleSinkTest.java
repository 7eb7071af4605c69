package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.EnvelopeFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBundleSinkTest {

    @TempDir
    Path dir;

    private final StixBundle bundle = new ReportBuilder(ReportOptions.defaults(), Clock.systemUTC())
            .build(EnvelopeFixtures.advisory("same-report"));

    /**
     * Two ingesters (or two threads) writing the same report id at once used to race: one deleted files the
     * other was walking, and the uncaught UncheckedIOException dead-lettered the e-mail as internal-error.
     * Every write must succeed, and the report's directory must be whole afterwards.
     */
    @Test
    void concurrentWritersOfOneReportAllSucceedAndLeaveOneWholeDirectory() throws Exception {
        DirectoryBundleSink sink = new DirectoryBundleSink(dir);
        int writers = 8;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < rounds; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<CompletableFuture<Void>>> pushes = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    String workId = "work-" + w;
                    pushes.add(pool.submit(() -> {
                        go.await();
                        return sink.push(workId, bundle);
                    }));
                }
                go.countDown();
                for (Future<CompletableFuture<Void>> push : pushes) {
                    push.get().join(); // throws if any write failed
                }
            }
        } finally {
            pool.shutdownNow();
        }

        Path report = dir.resolve(bundle.reportId());
        assertThat(report.resolve("bundle.json")).isRegularFile();
        assertThat(report.resolve("push").resolve("0001.json")).isRegularFile();
        try (Stream<Path> files = Files.list(report.resolve("push"))) {
            assertThat(files.count()).isEqualTo(PushMessages.split(bundle).size());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary or set-aside directory left")
                    .containsExactly(bundle.reportId());
        }
    }

    @Test
    void theLastWriterWins() throws Exception {
        // the same report built at two moments: same id, its "modified" tells the writes apart
        StixBundle first = new ReportBuilder(ReportOptions.defaults(),
                Clock.fixed(java.time.Instant.parse("2030-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .build(EnvelopeFixtures.advisory("same-report"));
        StixBundle second = new ReportBuilder(ReportOptions.defaults(),
                Clock.fixed(java.time.Instant.parse("2031-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .build(EnvelopeFixtures.advisory("same-report"));
        assertThat(second.reportId()).isEqualTo(first.reportId());
        DirectoryBundleSink sink = new DirectoryBundleSink(dir);
        sink.push("work", first).join();
        sink.push("work", second).join();

        assertThat(Files.readString(dir.resolve(second.reportId()).resolve("bundle.json")))
                .contains("2031-01-01T00:00:00.000Z").doesNotContain("2030-01-01T00:00:00.000Z");
    }
}
