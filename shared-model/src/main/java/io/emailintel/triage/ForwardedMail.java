package io.emailintel.triage;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the original sender of an e-mail forwarded <em>inline</em>, when the forward is clearly marked. What counts
 * as clearly marked (the separators the common clients write):
 * <ul>
 *   <li>Gmail: {@code ---------- Forwarded message ---------}; Thunderbird: {@code -------- Forwarded Message --------};
 *       Apple Mail: {@code Begin forwarded message:}; Outlook plain text: {@code -----Original Message-----}
 *       with a forward prefix on the subject;</li>
 *   <li>Outlook's header block ({@code From:} followed within a few lines by {@code Sent:}) when the subject starts
 *       with a forward prefix ({@code FW:}, {@code Fwd:}, {@code TR:}, {@code WG:}, {@code RV:}, {@code VS:},
 *       {@code Doorst:}) — the same block under a reply ({@code RE:}) is a quoted earlier message, not a forward.</li>
 * </ul>
 * The original sender is the first {@code From:} line (or a localised {@code Von:}/{@code De:}/{@code Da:}/
 * {@code Van:}/{@code Från:}) within the few lines after the separator, as {@code Name <address>},
 * {@code Name [mailto:address]} or a bare address. Anything else is not a forward: rules then see the e-mail's
 * own sender.
 */
public final class ForwardedMail {

    private static final Pattern FORWARD_SUBJECT = Pattern.compile(
            "^\\s*(fwd?|tr|wg|rv|vs|doorst)\\s*:", Pattern.CASE_INSENSITIVE);
    private static final Pattern SEPARATOR = Pattern.compile(
            "^[\\s>]*(-{2,}\\s*forwarded message\\s*-{2,}|begin forwarded message:|-{2,}\\s*original message\\s*-{2,})",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FROM_LINE = Pattern.compile(
            "^[\\s*]*(from|von|de|da|van|från)\\s*:\\s*\\**\\s*(.+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SENT_LINE = Pattern.compile(
            "^[\\s*]*(sent|date|gesendet|envoyé|inviato|verzonden|skickat)\\s*:", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANGLE = Pattern.compile("^\"?(.*?)\"?\\s*[<\\[](?:mailto:)?([^\\s<>\\[\\]]+@[^\\s<>\\[\\]]+)[>\\]]");
    private static final Pattern BARE = Pattern.compile("([^\\s<>\"'\\[\\]:]+@[^\\s<>\"'\\[\\]]+\\.[^\\s<>\"'\\[\\]]+)");
    /** How far below the separator the {@code From:} line may be (Thunderbird puts Subject and Date first). */
    private static final int LOOK_AHEAD = 6;

    private ForwardedMail() {
    }

    /**
     * The {@code From} of the one attached e-mail the envelope carries (message/rfc822 content: an .eml
     * attachment, or a Graph item attachment's MIME when the allow-list lets message/rfc822 through), for envelopes
     * whose fetcher did not set {@link Envelope#originalSender()}. Only the header block is read: {@code From}
     * unfolded, as {@code Name <address>} or a bare address; RFC 2047 encoded names are left as written.
     */
    public static Optional<EmailAddress> attachedOriginalSender(Envelope envelope) {
        List<EnvelopeAttachment> messages = envelope.attachments().stream()
                .filter(a -> a.kind() == AttachmentKind.ITEM && a.mimeType().equalsIgnoreCase("message/rfc822"))
                .toList();
        if (messages.size() != 1) {
            return Optional.empty();
        }
        byte[] content = messages.get(0).content();
        String head = new String(content, 0, Math.min(content.length, HEADER_BYTES), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        int lf = head.indexOf("\n\n");
        end = end < 0 ? lf : lf < 0 ? end : Math.min(end, lf);
        String unfolded = (end < 0 ? head : head.substring(0, end)).replaceAll("\r?\n[ \t]+", " ");
        for (String line : unfolded.split("\r?\n")) {
            if (line.regionMatches(true, 0, "From:", 0, 5)) {
                return parse(line);
            }
        }
        return Optional.empty();
    }

    /** Enough for any real header block; a hostile attachment is not read further. */
    private static final int HEADER_BYTES = 64 * 1024;

    /** Whether the subject starts with a forward prefix ({@code Fwd:}, {@code FW:}, {@code TR:}, …). */
    public static boolean isForwardSubject(String subject) {
        return FORWARD_SUBJECT.matcher(subject == null ? "" : subject).find();
    }

    /** The original sender of a clearly marked inline forward, if this is one. */
    public static Optional<EmailAddress> inlineOriginalSender(String subject, EnvelopeBody body) {
        List<String> lines = BodyText.of(body).lines().toList();
        boolean forwardSubject = FORWARD_SUBJECT.matcher(subject == null ? "" : subject).find();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher sep = SEPARATOR.matcher(line);
            if (sep.find()) {
                boolean original = sep.group(1).toLowerCase().contains("original");
                if (original && !forwardSubject) {
                    continue; // Outlook writes the same separator above a quoted message in a reply
                }
                Optional<EmailAddress> from = fromWithin(lines, i + 1, LOOK_AHEAD);
                if (from.isPresent()) {
                    return from;
                }
                continue;
            }
            if (forwardSubject && FROM_LINE.matcher(line).find() && i + 1 < lines.size()
                    && sentFollows(lines, i + 1)) {
                Optional<EmailAddress> from = parse(line);
                if (from.isPresent()) {
                    return from;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean sentFollows(List<String> lines, int start) {
        for (int j = start; j < Math.min(lines.size(), start + 3); j++) {
            if (SENT_LINE.matcher(lines.get(j)).find()) {
                return true;
            }
        }
        return false;
    }

    private static Optional<EmailAddress> fromWithin(List<String> lines, int start, int count) {
        for (int j = start; j < Math.min(lines.size(), start + count); j++) {
            if (FROM_LINE.matcher(lines.get(j)).find()) {
                return parse(lines.get(j));
            }
        }
        return Optional.empty();
    }

    /** {@code From: Name <address>} → the address, or empty when the line names no address. */
    static Optional<EmailAddress> parse(String line) {
        Matcher from = FROM_LINE.matcher(line.replace('\u00a0', ' '));
        if (!from.find()) {
            return Optional.empty();
        }
        String value = from.group(2).strip();
        Matcher angle = ANGLE.matcher(value);
        if (angle.find()) {
            return Optional.of(new EmailAddress(angle.group(1).replace("*", "").strip(), angle.group(2)));
        }
        Matcher bare = BARE.matcher(value);
        if (bare.find()) {
            return Optional.of(new EmailAddress("", bare.group(1)));
        }
        return Optional.empty();
    }
}
