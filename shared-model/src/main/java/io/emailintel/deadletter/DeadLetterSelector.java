package io.emailintel.deadletter;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Which dead letters a command applies to. Criteria combine with AND; {@link #all()} selects everything.
 *
 * @param ids    envelope ids (any of them), or empty for any
 * @param reason the exact failure reason, or null for any
 * @param since  dead-lettered at or after this instant, or null for any
 * @param sender a case-insensitive part of the sender address, or null for any
 */
public record DeadLetterSelector(Set<String> ids, String reason, Instant since, String sender) {

    public DeadLetterSelector {
        ids = ids == null ? Set.of() : Set.copyOf(ids);
    }

    public static DeadLetterSelector all() {
        return new DeadLetterSelector(Set.of(), null, null, null);
    }

    /** Whether any criterion is set (commands that move or delete refuse to run on an empty selector). */
    public boolean isRestricted() {
        return !ids.isEmpty() || reason != null || since != null || sender != null;
    }

    public boolean matches(DeadLetter letter) {
        if (!ids.isEmpty() && !ids.contains(letter.envelopeId())) {
            return false;
        }
        if (reason != null && !reason.equalsIgnoreCase(letter.reason())) {
            return false;
        }
        if (since != null && (letter.lastFailureAt() == null || letter.lastFailureAt().isBefore(since))) {
            return false;
        }
        return sender == null
                || letter.sender().toLowerCase(Locale.ROOT).contains(sender.toLowerCase(Locale.ROOT));
    }
}
