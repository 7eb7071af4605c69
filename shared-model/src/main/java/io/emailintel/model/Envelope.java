package io.emailintel.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One e-mail, normalised by the fetcher and carried to the ingester through the pipeline queue.
 *
 * <p>The JSON form is versioned by {@link #schemaVersion()} ({@code major.minor}). Readers accept any minor
 * version of the major they know and ignore fields they do not know; an unknown major version is poison
 * (see {@link EnvelopeCodec}).
 *
 * @param schemaVersion      {@code major.minor}, {@link #SCHEMA_VERSION} when written by this code
 * @param envelopeId         stable across re-fetches of the same message ({@link #stableId(EnvelopeSource)})
 * @param source             where the message came from
 * @param subject            the subject, possibly empty
 * @param from               the {@code From} address (may be empty)
 * @param sender             the {@code Sender} address (may differ from {@code from} for delegated mail)
 * @param recipients         To, Cc, Bcc
 * @param sentAt             when it was sent (UTC), null when unknown
 * @param receivedAt         when the mailbox received it (UTC); the report's {@code published} time
 * @param body               the body as delivered
 * @param attachments        the attachments carried, with their content
 * @param skippedAttachments the attachments not carried, with the reason
 * @param fetchCycleId       the fetch cycle that produced this envelope (one OpenCTI work per cycle)
 * @param fetchedAt          when the fetcher built the envelope (UTC)
 * @param headers            the message headers useful to triage rules (since 1.1; empty when absent, as in a 1.0
 *                           envelope): bulky transport headers such as {@code Received} and signatures are left out
 * @param originalSender     the {@code From} of the e-mail this one forwards as an attached message (since 1.1;
 *                           empty when it forwards none, or when the fetcher could not read the attached message)
 */
public record Envelope(String schemaVersion, String envelopeId, EnvelopeSource source, String subject,
                       EmailAddress from, EmailAddress sender, Recipients recipients, Instant sentAt,
                       Instant receivedAt, EnvelopeBody body, List<EnvelopeAttachment> attachments,
                       List<SkippedAttachment> skippedAttachments, String fetchCycleId, Instant fetchedAt,
                       List<EnvelopeHeader> headers, EmailAddress originalSender) {

    /**
     * The schema version this code writes. 1.1 added the optional {@code headers} and {@code originalSender}; a 1.0
     * reader ignores them, and a 1.0 envelope reads here with both empty. 1.2 added {@code source.name}, the
     * fetcher's name for the source; an older envelope reads with it empty.
     */
    public static final String SCHEMA_VERSION = "1.2";
    /** The major version this code reads. */
    public static final int SCHEMA_MAJOR = 1;

    public Envelope {
        schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
        requireText(envelopeId, "envelopeId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        requireText(fetchCycleId, "fetchCycleId");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        subject = subject == null ? "" : subject;
        from = from == null ? new EmailAddress("", "") : from;
        sender = sender == null ? new EmailAddress("", "") : sender;
        recipients = recipients == null ? Recipients.none() : recipients;
        body = body == null ? EnvelopeBody.empty() : body;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        skippedAttachments = skippedAttachments == null ? List.of() : List.copyOf(skippedAttachments);
        headers = headers == null ? List.of() : List.copyOf(headers);
        originalSender = originalSender == null ? new EmailAddress("", "") : originalSender;
    }

    /** The same e-mail with another body and attachments (the fetcher's size limit cuts them). */
    public Envelope withContent(EnvelopeBody newBody, List<EnvelopeAttachment> newAttachments,
                                List<SkippedAttachment> newSkipped) {
        return new Envelope(schemaVersion, envelopeId, source, subject, from, sender, recipients, sentAt, receivedAt,
                newBody, newAttachments, newSkipped, fetchCycleId, fetchedAt, headers, originalSender);
    }

    /** The same e-mail under the fetcher's name for its source; the envelope id does not change. */
    public Envelope withSourceName(String sourceName) {
        return new Envelope(schemaVersion, envelopeId, source.withName(sourceName), subject, from, sender, recipients,
                sentAt, receivedAt, body, attachments, skippedAttachments, fetchCycleId, fetchedAt, headers,
                originalSender);
    }

    /** The values of a header, matched case-insensitively, in message order. */
    public List<String> header(String name) {
        List<String> values = new ArrayList<>();
        for (EnvelopeHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                values.add(h.value());
            }
        }
        return values;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }

    /**
     * The envelope id of a message: a name-based UUID over the source kind, the mailbox (case-insensitive)
     * and the source's message id. Graph immutable ids survive moves between folders, so a message moved
     * into the watched folder twice keeps its id. The fetcher's name for the source is not part of it: renaming a
     * source, or listing a mailbox in {@code fetcher.sources} that a classic configuration read before, keeps the ids.
     */
    public static String stableId(EnvelopeSource source) {
        String name = source.kind() + "\n" + source.mailbox().strip().toLowerCase(Locale.ROOT) + "\n"
                + source.messageId();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The sender to name in a report: {@code from}, else {@code sender}. */
    public EmailAddress author() {
        return from.isEmpty() ? sender : from;
    }

    /** Total bytes of attachment content carried. */
    public long attachmentBytes() {
        long total = 0;
        for (EnvelopeAttachment a : attachments) {
            total += a.size();
        }
        return total;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an envelope; unset optional parts default to empty. */
    public static final class Builder {
        private String envelopeId;
        private EnvelopeSource source;
        private String subject = "";
        private EmailAddress from;
        private EmailAddress sender;
        private Recipients recipients = Recipients.none();
        private Instant sentAt;
        private Instant receivedAt;
        private EnvelopeBody body = EnvelopeBody.empty();
        private final List<EnvelopeAttachment> attachments = new ArrayList<>();
        private final List<SkippedAttachment> skipped = new ArrayList<>();
        private String fetchCycleId;
        private Instant fetchedAt;
        private final List<EnvelopeHeader> headers = new ArrayList<>();
        private EmailAddress originalSender;

        private Builder() {
        }

        /** Sets the source and, unless set explicitly, the stable id derived from it. */
        public Builder source(EnvelopeSource source) {
            this.source = source;
            return this;
        }

        public Builder envelopeId(String envelopeId) {
            this.envelopeId = envelopeId;
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder from(EmailAddress from) {
            this.from = from;
            return this;
        }

        public Builder sender(EmailAddress sender) {
            this.sender = sender;
            return this;
        }

        public Builder recipients(Recipients recipients) {
            this.recipients = recipients;
            return this;
        }

        public Builder sentAt(Instant sentAt) {
            this.sentAt = sentAt;
            return this;
        }

        public Builder receivedAt(Instant receivedAt) {
            this.receivedAt = receivedAt;
            return this;
        }

        public Builder body(EnvelopeBody body) {
            this.body = body;
            return this;
        }

        public Builder attachment(EnvelopeAttachment attachment) {
            this.attachments.add(attachment);
            return this;
        }

        public Builder skipped(SkippedAttachment skippedAttachment) {
            this.skipped.add(skippedAttachment);
            return this;
        }

        public Builder fetchCycleId(String fetchCycleId) {
            this.fetchCycleId = fetchCycleId;
            return this;
        }

        public Builder fetchedAt(Instant fetchedAt) {
            this.fetchedAt = fetchedAt;
            return this;
        }

        public Builder header(String name, String value) {
            this.headers.add(new EnvelopeHeader(name, value));
            return this;
        }

        public Builder originalSender(EmailAddress originalSender) {
            this.originalSender = originalSender;
            return this;
        }

        public Envelope build() {
            String id = envelopeId != null ? envelopeId : source == null ? null : stableId(source);
            return new Envelope(SCHEMA_VERSION, id, source, subject, from, sender, recipients, sentAt, receivedAt,
                    body, attachments, skipped, fetchCycleId, fetchedAt, headers, originalSender);
        }
    }
}
