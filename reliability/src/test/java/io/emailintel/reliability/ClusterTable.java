package io.emailintel.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the cluster scenarios' rows into their own table in {@code docs/RELIABILITY.md} (between
 * {@code <!-- cluster-table:begin -->} and {@code <!-- cluster-table:end -->}), keyed by scenario and mailbox size
 * like {@link ReliabilityTable}. Two columns the single-broker table lacks: the longest time without a new report
 * while the scenario ran (what a failover costs), and the broker events (which node was lost, who led after).
 */
final class ClusterTable {

    private static final String BEGIN = "<!-- cluster-table:begin -->";
    private static final String END = "<!-- cluster-table:end -->";
    private static final String HEADER = "| scenario | e-mails | ingested | dead-lettered | lost | duplicated "
            + "| raw re-pushes | longest time without progress | time to drain | broker events |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    private ClusterTable() {
    }

    static String row(Tally t, Duration stall, String events) {
        return String.format("| %s | %d | %d | %d | %d | %d | %d | %.1f s | %.1f s | %s |", t.scenario(), t.emails(),
                t.ingested(), t.deadLettered(), t.lost(), t.duplicated(), t.rawRePushes(), stall.toMillis() / 1000.0,
                t.timeToDrain().toMillis() / 1000.0, events);
    }

    static synchronized void record(Tally t, Duration stall, String events) {
        try {
            String doc = Files.readString(ReliabilityTable.FILE);
            int b = doc.indexOf(BEGIN);
            int e = doc.indexOf(END);
            if (b < 0 || e < b) {
                doc = doc + "\n" + BEGIN + "\n" + END + "\n";
                b = doc.indexOf(BEGIN);
                e = doc.indexOf(END);
            }
            Map<String, String> rows = new LinkedHashMap<>();
            for (String line : doc.substring(b + BEGIN.length(), e).split("\n")) {
                String[] cells = line.split("\\|");
                if (line.startsWith("| ") && cells.length > 3 && !cells[1].strip().equals("scenario")) {
                    rows.put(cells[1].strip() + "/" + cells[2].strip(), line);
                }
            }
            rows.put(t.scenario() + "/" + t.emails(), row(t, stall, events));
            String table = "\n" + HEADER + "\n" + String.join("\n", rows.values()) + "\n";
            Files.writeString(ReliabilityTable.FILE, doc.substring(0, b + BEGIN.length()) + table + doc.substring(e));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
