package io.emailintel.fetcher.eml;

import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.triage.HeaderSelection;
import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.triage.MailFacts;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.SkippedAttachment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A parsed message becomes the same envelope a Graph message would: the same allow-list, size limits and
 * inline rule, applied by the same {@link AttachmentPolicy}.
 */
public final class EmlEnvelopes {

    private final AttachmentPolicy policy;
    private final ListingFilter filter;

    public EmlEnvelopes(AttachmentPolicy policy) {
        this(policy, ListingFilter.none());
    }

    /**
     * With the triage rules' skip filter (a file is whole: every field is known, nothing left to download); the
     * envelopes carry the name of the filter's source.
     */
    public EmlEnvelopes(AttachmentPolicy policy, ListingFilter filter) {
        this.policy = policy;
        this.filter = filter;
    }

    /** The rule that filters this envelope out before it is published, if any. */
    Optional<String> filteredBy(Envelope envelope, String what) {
        return filter.filteredBy(() -> MailFacts.of(envelope), what);
    }

    /**
     * @param source      where the file is; its message id is the Message-ID, else the file's digest
     * @param fallbackTime when the message has neither a Received nor a Date header (the file's mtime)
     */
    Envelope envelope(ParsedEmail mail, EnvelopeSource source, Instant fallbackTime, String fetchCycleId,
                      Instant fetchedAt) {
        Instant received = mail.receivedAt() != null ? mail.receivedAt() : fallbackTime;
        Envelope.Builder b = Envelope.builder()
                .source(source.withName(filter.source()))
                .subject(mail.subject())
                .from(mail.from())
                .sender(mail.sender().isEmpty() ? mail.from() : mail.sender())
                .recipients(mail.recipients())
                .sentAt(mail.sentAt())
                .receivedAt(received)
                .body(mail.body())
                .fetchCycleId(fetchCycleId)
                .fetchedAt(fetchedAt)
                .originalSender(mail.originalSender());
        HeaderSelection.select(mail.headers()).forEach(h -> b.header(h.name(), h.value()));
        long carried = 0;
        for (ParsedPart part : mail.parts()) {
            AttachmentPolicy.Kind kind = part.kind() == AttachmentKind.ITEM
                    ? AttachmentPolicy.Kind.ITEM : AttachmentPolicy.Kind.FILE;
            AttachmentPolicy.Meta meta = new AttachmentPolicy.Meta(kind, part.name(), part.mimeType(),
                    part.content().length, part.inline());
            Optional<SkippedAttachment> skip = policy.screen(meta, carried);
            if (skip.isEmpty()) {
                String type = AttachmentPolicy.effectiveType(meta, part.content());
                skip = policy.check(meta, type, part.content().length, carried);
                if (skip.isEmpty()) {
                    b.attachment(EnvelopeAttachment.of(part.name(), type, part.inline(), part.kind(), part.content()));
                    carried += part.content().length;
                    continue;
                }
            }
            b.skipped(skip.get());
        }
        return b.build();
    }

    /**
     * The envelope the eml source would publish for one file, for {@code rules test} (nothing is sent).
     *
     * @throws IOException when the file cannot be read or is not a MIME message
     */
    public Envelope envelopeOf(Path file, Instant now) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ParsedEmail mail;
        try {
            mail = new MimeMessageReader().read(bytes);
        } catch (MalformedMailException e) {
            throw new IOException(file + " is not a readable e-mail: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        String messageId = mail.messageId().isBlank() ? "sha256:" + EnvelopeAttachment.sha256Hex(bytes)
                : mail.messageId();
        EnvelopeSource source = new EnvelopeSource(EnvelopeSource.KIND_EML_DIR, String.valueOf(dir),
                String.valueOf(file.getFileName()), messageId, mail.messageId());
        return envelope(mail, source, Files.getLastModifiedTime(file).toInstant(), "rules-test", now);
    }

    /** Whether the fetcher would filter this envelope out (logs and counts nothing: for {@code rules test}). */
    public Optional<String> wouldFilter(Envelope envelope, io.emailintel.triage.Rules rules) {
        return rules.skippedBy(MailFacts.of(envelope)).map(io.emailintel.triage.Rule::name);
    }

    /** The sender an operator would recognise, for logs. */
    static String who(EmailAddress a) {
        return a.address().isBlank() ? a.name() : a.address();
    }
}
