package io.emailintel.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes each scenario's measured row into {@code docs/RELIABILITY.md}: rows are keyed by scenario and
 * mailbox size, so the CI-size run and the long run ({@code -Dreliability.emails=2000}) keep their own rows.
 */
final class ReliabilityTable {

    static final Path FILE = Path.of("..", "docs", "RELIABILITY.md");
    private static final String BEGIN = "<!-- table:begin -->";
    private static final String END = "<!-- table:end -->";
    private static final String HEADER = "| scenario | e-mails | ingested | dead-lettered | lost | duplicated "
            + "| raw re-pushes | time to drain | dead-letter reasons |\n|---|---:|---:|---:|---:|---:|---:|---:|---|";

    private ReliabilityTable() {
    }

    static synchronized void record(Tally tally) {
        try {
            String doc = Files.exists(FILE) ? Files.readString(FILE) : skeleton();
            int b = doc.indexOf(BEGIN);
            int e = doc.indexOf(END);
            if (b < 0 || e < b) {
                doc = skeleton();
                b = doc.indexOf(BEGIN);
                e = doc.indexOf(END);
            }
            Map<String, String> rows = new LinkedHashMap<>();
            for (String line : doc.substring(b + BEGIN.length(), e).split("\n")) {
                String[] cells = line.split("\\|");
                if (line.startsWith("| ") && cells.length > 3 && !cells[1].isBlank()
                        && !cells[1].strip().equals("scenario") && !line.startsWith("|---")) {
                    rows.put(cells[1].strip() + "/" + cells[2].strip(), line);
                }
            }
            rows.put(tally.scenario() + "/" + tally.emails(), tally.row());
            List<String> sorted = new ArrayList<>(rows.values());
            String table = "\n" + HEADER + "\n" + String.join("\n", sorted) + "\n";
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, doc.substring(0, b + BEGIN.length()) + table + doc.substring(e));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String skeleton() {
        return "# Reliability\n\n" + BEGIN + "\n" + END + "\n";
    }
}
