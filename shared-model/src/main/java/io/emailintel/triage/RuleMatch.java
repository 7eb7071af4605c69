package io.emailintel.triage;

import io.emailintel.model.EmailAddress;
import io.emailintel.triage.MailFacts.Field;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The condition of a rule: every part given must hold (and), any value of a list may match (or); a match with no
 * parts matches every e-mail.
 *
 * @param from            globs over the effective sender's address (the original sender of a forward); a glob
 *                        without {@code @} matches the domain
 * @param originalFrom    globs over the original sender of a forwarded e-mail; never matches one that is not
 * @param to              globs over the To, Cc and Bcc addresses
 * @param subject         a regular expression found anywhere in the subject, case-insensitive; null for any
 * @param headers         header name → regular expression found in any of its values, case-insensitive
 * @param attachmentTypes globs over the attachments' MIME types (carried or not)
 * @param sources         globs over the fetcher's name for the source ({@code default} without a sources list)
 */
public record RuleMatch(List<Glob> from, List<Glob> originalFrom, List<Glob> to, Pattern subject,
                        Map<String, Pattern> headers, List<Glob> attachmentTypes, List<Glob> sources) {

    /** Whether a rule matched, did not, or cannot tell yet (a field it needs is not {@link MailFacts#known()}). */
    public enum Result { MATCHED, NOT_MATCHED, UNKNOWN }

    public RuleMatch {
        from = List.copyOf(from);
        originalFrom = List.copyOf(originalFrom);
        to = List.copyOf(to);
        headers = Map.copyOf(headers);
        attachmentTypes = List.copyOf(attachmentTypes);
        sources = List.copyOf(sources);
    }

    /** A match that does not look at the source. */
    public RuleMatch(List<Glob> from, List<Glob> originalFrom, List<Glob> to, Pattern subject,
                     Map<String, Pattern> headers, List<Glob> attachmentTypes) {
        this(from, originalFrom, to, subject, headers, attachmentTypes, List.of());
    }

    /** The fields this match reads. */
    public Set<Field> fields() {
        Set<Field> f = EnumSet.noneOf(Field.class);
        if (!from.isEmpty()) {
            f.add(Field.SENDER);
        }
        if (!originalFrom.isEmpty()) {
            f.add(Field.ORIGINAL_SENDER);
        }
        if (!to.isEmpty()) {
            f.add(Field.RECIPIENTS);
        }
        if (subject != null) {
            f.add(Field.SUBJECT);
        }
        if (!headers.isEmpty()) {
            f.add(Field.HEADERS);
        }
        if (!attachmentTypes.isEmpty()) {
            f.add(Field.ATTACHMENT_TYPES);
        }
        if (!sources.isEmpty()) {
            f.add(Field.SOURCE);
        }
        return f;
    }

    public Result test(MailFacts mail) {
        boolean unknown = false;
        for (Field field : fields()) {
            if (!mail.known().contains(field)) {
                unknown = true;
                continue;
            }
            if (!holds(field, mail)) {
                return Result.NOT_MATCHED;
            }
        }
        return unknown ? Result.UNKNOWN : Result.MATCHED;
    }

    private boolean holds(Field field, MailFacts mail) {
        return switch (field) {
            case SENDER -> anyAddress(from, List.of(mail.effectiveSender()));
            case ORIGINAL_SENDER -> mail.forwarded() && anyAddress(originalFrom, List.of(mail.originalSender()));
            case RECIPIENTS -> anyAddress(to, mail.recipients());
            case SUBJECT -> subject.matcher(mail.subject()).find();
            case HEADERS -> headers.entrySet().stream().allMatch(h -> mail.header(h.getKey()).stream()
                    .anyMatch(v -> h.getValue().matcher(v).find()));
            case ATTACHMENT_TYPES -> mail.attachmentTypes().stream()
                    .anyMatch(t -> attachmentTypes.stream().anyMatch(g -> g.matches(t)));
            case SOURCE -> sources.stream().anyMatch(g -> g.matches(mail.source()));
        };
    }

    private static boolean anyAddress(List<Glob> globs, List<EmailAddress> addresses) {
        for (EmailAddress a : addresses) {
            for (Glob g : globs) {
                if (g.matchesAddress(a.address())) {
                    return true;
                }
            }
        }
        return false;
    }
}
