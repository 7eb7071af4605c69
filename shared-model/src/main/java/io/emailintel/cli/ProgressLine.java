package io.emailintel.cli;

import io.emailintel.deadletter.DeadLetterQueue;
import java.io.PrintWriter;

/**
 * A counting line on standard error for long operations: redrawn in place on a terminal, printed every
 * thousand messages otherwise (logs, pipes).
 */
final class ProgressLine implements DeadLetterQueue.Progress {

    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String verb;
    private final boolean terminal = System.console() != null;
    private long lastDraw;
    private int lastScanned;
    private int lastTotal;
    private int lastMoved;

    ProgressLine(PrintWriter err, String verb) {
        this.err = err;
        this.verb = verb;
    }

    @Override
    public void update(int scanned, int total, int moved) {
        lastScanned = scanned;
        lastTotal = total;
        lastMoved = moved;
        long now = System.nanoTime();
        if (terminal && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            err.print("\r" + line());
            err.flush();
        } else if (!terminal && scanned % 1000 == 0) {
            err.println(line());
            err.flush();
        }
    }

    void done() {
        if (terminal && lastScanned > 0) {
            err.println("\r" + line());
            err.flush();
        }
    }

    private String line() {
        int percent = lastTotal == 0 ? 100 : (int) (100L * lastScanned / lastTotal);
        int filled = percent / 5;
        return "[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] " + lastScanned + "/" + lastTotal
                + " scanned, " + lastMoved + " " + verb;
    }
}
