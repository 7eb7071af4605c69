package io.emailintel.fetcher.eml;

import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeSource;
import java.time.Instant;

/**
 * A complete message source from another source than a directory (an IMAP server) becomes an envelope through
 * the very reader and attachment rules the .eml path uses, so both give the same fields, attachments and ids.
 */
public final class RawMail {

    /** What became of one message source. */
    public sealed interface Outcome {
    }

    /** It is an e-mail: its envelope, and the Message-ID (without brackets; empty when the message has none). */
    public record Readable(Envelope envelope, String internetMessageId) implements Outcome {
    }

    /** It is not an e-mail at all: the reason, for the dead letter's headers. */
    public record Unreadable(String reason, String exceptionClass) implements Outcome {
    }

    private final MimeMessageReader reader = new MimeMessageReader();
    private final EmlEnvelopes envelopes;

    public RawMail(EmlEnvelopes envelopes) {
        this.envelopes = envelopes;
    }

    /**
     * @param kind          the envelope source kind ({@code imap})
     * @param mailbox       the account
     * @param folder        the folder
     * @param fallbackTime  the arrival time when the message has neither a Received nor a Date header
     */
    public Outcome read(byte[] raw, String kind, String mailbox, String folder, Instant fallbackTime,
                        String fetchCycleId, Instant fetchedAt) {
        ParsedEmail mail;
        try {
            mail = reader.read(raw);
        } catch (MalformedMailException e) {
            return new Unreadable(String.valueOf(e.getMessage()), e.getClass().getName());
        }
        // the same id rule as the directory source: the Message-ID, else the digest of the bytes
        String messageId = mail.messageId().isBlank() ? "sha256:" + EnvelopeAttachment.sha256Hex(raw)
                : mail.messageId();
        EnvelopeSource source = new EnvelopeSource(kind, mailbox, folder, messageId, mail.messageId());
        return new Readable(envelopes.envelope(mail, source, fallbackTime, fetchCycleId, fetchedAt), mail.messageId());
    }
}
