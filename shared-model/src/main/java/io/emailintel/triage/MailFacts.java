package io.emailintel.triage;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.EnvelopeHeader;
import io.emailintel.model.SkippedAttachment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What triage rules look at in an e-mail. The ingester knows all of it (from the envelope); the fetcher, deciding
 * before it downloads anything, knows only what the mailbox listing gave, and says so in {@link #known()}: a rule
 * that needs an unknown field is left for the ingester to decide.
 *
 * @param from            the e-mail's own sender ({@code From}, else {@code Sender}); for a forward, the forwarder
 * @param originalSender  the sender of the forwarded e-mail (attached or clearly marked inline), else empty
 * @param recipients      To, Cc and Bcc
 * @param subject         the subject
 * @param headers         the message headers carried
 * @param attachmentTypes MIME types of the attachments, carried or not
 * @param known           which of these the rules may rely on
 * @param source          the fetcher's name for the source the e-mail came from ({@code default} for a fetcher
 *                        configured without a sources list, and for an envelope written before names existed)
 */
public record MailFacts(EmailAddress from, EmailAddress originalSender, List<EmailAddress> recipients, String subject,
                        List<EnvelopeHeader> headers, List<String> attachmentTypes, Set<Field> known, String source) {

    /** What a rule can match on. */
    public enum Field {
        /** The effective sender: the original sender of a forward, else {@code from}. */
        SENDER,
        ORIGINAL_SENDER,
        RECIPIENTS,
        SUBJECT,
        HEADERS,
        ATTACHMENT_TYPES,
        /** The fetcher's name for the source. */
        SOURCE
    }

    public MailFacts {
        from = from == null ? new EmailAddress("", "") : from;
        originalSender = originalSender == null ? new EmailAddress("", "") : originalSender;
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
        subject = subject == null ? "" : subject;
        headers = headers == null ? List.of() : List.copyOf(headers);
        attachmentTypes = attachmentTypes == null ? List.of() : List.copyOf(attachmentTypes);
        known = known.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(known));
        source = source == null || source.isBlank() ? EnvelopeSource.DEFAULT_NAME : source;
    }

    /** Facts without a source name yet (the fetcher's listing): {@link #fromSource} adds it. */
    public MailFacts(EmailAddress from, EmailAddress originalSender, List<EmailAddress> recipients, String subject,
                     List<EnvelopeHeader> headers, List<String> attachmentTypes, Set<Field> known) {
        this(from, originalSender, recipients, subject, headers, attachmentTypes, known, null);
    }

    /** The same facts, known to come from the source named {@code name}. */
    public MailFacts fromSource(String name) {
        Set<Field> more = EnumSet.of(Field.SOURCE);
        more.addAll(known);
        return new MailFacts(from, originalSender, recipients, subject, headers, attachmentTypes, more, name);
    }

    /**
     * Everything, from an envelope: the original sender is the attached message's ({@link Envelope#originalSender()},
     * else read from the one attached e-mail carried), or, failing that, a clearly marked inline forward's
     * ({@link ForwardedMail}).
     */
    public static MailFacts of(Envelope e) {
        EmailAddress original = e.originalSender();
        if (original.isEmpty()) {
            original = ForwardedMail.attachedOriginalSender(e).orElse(new EmailAddress("", ""));
        }
        if (original.isEmpty()) {
            original = ForwardedMail.inlineOriginalSender(e.subject(), e.body()).orElse(null);
        }
        List<EmailAddress> recipients = new ArrayList<>(e.recipients().to());
        recipients.addAll(e.recipients().cc());
        recipients.addAll(e.recipients().bcc());
        List<String> types = new ArrayList<>();
        for (EnvelopeAttachment a : e.attachments()) {
            types.add(a.mimeType().toLowerCase(Locale.ROOT));
        }
        for (SkippedAttachment s : e.skippedAttachments()) {
            types.add(s.mimeType().toLowerCase(Locale.ROOT));
        }
        return new MailFacts(e.author(), original, recipients, e.subject(), e.headers(), types,
                EnumSet.allOf(Field.class), e.source().name());
    }

    /** The address rules on {@code from} match: the original sender of a forward, else the e-mail's own. */
    public EmailAddress effectiveSender() {
        return originalSender.isEmpty() ? from : originalSender;
    }

    /** Whether the e-mail forwards another (attached or inline). */
    public boolean forwarded() {
        return !originalSender.isEmpty();
    }

    List<String> header(String name) {
        List<String> values = new ArrayList<>();
        for (EnvelopeHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                values.add(h.value());
            }
        }
        return values;
    }
}
