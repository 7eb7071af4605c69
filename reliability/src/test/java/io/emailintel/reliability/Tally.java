package io.emailintel.reliability;

import java.time.Duration;
import java.util.Map;

/**
 * What one scenario measured at the end: e-mails in the mailbox, distinct reports OpenCTI received (by report
 * id), distinct e-mails in the dead-letter queue (by reason), how many were lost, how many e-mails became more
 * than one distinct report (non-deterministic ids would show here), and raw re-pushes of an already seen id.
 */
record Tally(String scenario, int emails, int ingested, int deadLettered, Map<String, Integer> deadLetterReasons,
             int duplicated, int rawRePushes, Duration timeToDrain) {

    int lost() {
        return Math.max(0, emails - ingested - deadLettered);
    }

    String row() {
        return String.format("| %s | %d | %d | %d | %d | %d | %d | %.1f s | %s |", scenario, emails, ingested,
                deadLettered, lost(), duplicated, rawRePushes, timeToDrain.toMillis() / 1000.0,
                deadLetterReasons.isEmpty() ? "–" : deadLetterReasons.toString());
    }
}
