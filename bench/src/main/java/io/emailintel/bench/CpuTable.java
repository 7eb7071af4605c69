package io.emailintel.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One section's CPU time per process, per 1,000 e-mails (which is also milliseconds per e-mail), and its ratio to
 * the broker baseline's CPU per 1,000 messages of the same run (broker and client together, 26 KiB messages): a
 * ratio of 1 means the process spends on an e-mail what the broker and a bare client spend moving a message.
 */
final class CpuTable {

    private record Row(String process, double seconds, double perThousand) {
    }

    private final double baselinePerThousand;
    private final String unit;
    private final List<Row> rows = new ArrayList<>();

    CpuTable(double baselinePerThousand, String unit) {
        this.baselinePerThousand = baselinePerThousand;
        this.unit = unit;
    }

    /** A process that used {@code seconds} of CPU for {@code units} e-mails; 0 seconds means it was not seen. */
    CpuTable add(String process, double seconds, long units) {
        rows.add(new Row(process, seconds, seconds > 0 ? seconds * 1000 / Math.max(1, units) : Double.NaN));
        return this;
    }

    /** A figure measured per e-mail already (a steady-state window): {@code perThousand} CPU s per 1,000. */
    CpuTable addRate(String process, double perThousand) {
        rows.add(new Row(process, Double.NaN, perThousand));
        return this;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("| process | CPU s | CPU s per 1,000 " + unit + " (ms per one) "
                + "| ÷ baseline |\n|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.process()).append(" | ").append(fixed(r.seconds(), "%.1f")).append(" | ")
                    .append(fixed(r.perThousand(), "%.2f")).append(" | ")
                    .append(fixed(r.perThousand() / baselinePerThousand, "%.2f")).append(" |\n");
        }
        return md.toString();
    }

    private static String fixed(double value, String format) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "—" : String.format(format, value);
    }
}
