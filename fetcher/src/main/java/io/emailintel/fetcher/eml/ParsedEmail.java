package io.emailintel.fetcher.eml;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeHeader;
import io.emailintel.model.Recipients;
import java.time.Instant;
import java.util.List;

/**
 * A MIME message reduced to what an envelope carries.
 *
 * @param messageId  the Message-ID header without angle brackets, or empty
 * @param subject    the decoded subject, or empty
 * @param from       From
 * @param sender     Sender (empty when absent)
 * @param recipients To, Cc, Bcc
 * @param sentAt     the Date header, or null
 * @param receivedAt when the last hop received it (the newest Received header), else the Date header, else null
 * @param body       the HTML body when there is one, else the text body
 * @param parts      attachments and inline parts, in message order
 * @param headers    every header, in message order (the envelope carries a selection)
 * @param originalSender the From of the one attached e-mail when the message forwards exactly one, else empty
 */
record ParsedEmail(String messageId, String subject, EmailAddress from, EmailAddress sender, Recipients recipients,
                   Instant sentAt, Instant receivedAt, EnvelopeBody body, List<ParsedPart> parts,
                   List<EnvelopeHeader> headers, EmailAddress originalSender) {
}
