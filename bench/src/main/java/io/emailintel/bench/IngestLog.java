package io.emailintel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the ingesters' one-line-per-e-mail info logs say: which envelopes were ingested and, for each, the
 * latency from the fetcher's publish to OpenCTI accepting the report ({@code latency_ms=}). Percentiles
 * over these are exact: every e-mail has its own line, nothing is bucketed.
 */
record IngestLog(Set<String> envelopeIds, int lines, long[] sortedLatenciesMs) {

    private static final Pattern LINE = Pattern.compile(
            "envelope (\\S+) ingested as \\S+ latency_ms=(\\d+|unknown)");

    static IngestLog read(List<Path> logs) throws IOException {
        Set<String> ids = new HashSet<>();
        int lines = 0;
        long[] latencies = new long[1024];
        int n = 0;
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log)) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                lines++;
                ids.add(m.group(1));
                if (!m.group(2).equals("unknown")) {
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = Long.parseLong(m.group(2));
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new IngestLog(ids, lines, sorted);
    }

    /** The nearest-rank percentile (the smallest value with at least p % of the values at or below it). */
    long percentileMs(double p) {
        if (sortedLatenciesMs.length == 0) {
            throw new IllegalStateException("no latency_ms in the ingester logs");
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedLatenciesMs.length);
        return sortedLatenciesMs[Math.max(0, rank - 1)];
    }

    long maxMs() {
        return sortedLatenciesMs.length == 0 ? 0 : sortedLatenciesMs[sortedLatenciesMs.length - 1];
    }
}
