package io.emailintel.cli;

import io.emailintel.deadletter.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The dead letters as a fixed-width table for a terminal. */
final class DeadLetterTable {

    private static final int SUBJECT_WIDTH = 40;

    private DeadLetterTable() {
    }

    static String render(List<DeadLetter> letters) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ENVELOPE ID", "RECEIVED", "SENDER", "SUBJECT", "REASON", "ATTEMPTS", "LAST FAILURE"});
        for (DeadLetter d : letters) {
            rows.add(new String[] {d.envelopeId(), time(d.receivedAt()), d.sender(), truncate(d.subject()),
                    d.reason(), Integer.toString(d.attempts()), time(d.lastFailureAt())});
        }
        int[] width = new int[7];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(row[i]);
                if (i < row.length - 1) {
                    out.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.toString();
    }

    private static String truncate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= SUBJECT_WIDTH ? oneLine : oneLine.substring(0, SUBJECT_WIDTH - 1) + "…";
    }
}
