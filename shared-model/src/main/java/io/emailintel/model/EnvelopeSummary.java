package io.emailintel.model;

import java.time.Instant;

/**
 * What an operator needs to recognise an envelope without decoding its attachments: read by
 * {@link EnvelopeCodec#summarize(byte[])}, which skips attachment content.
 *
 * @param envelopeId the envelope id, or empty
 * @param subject    the subject, or empty
 * @param from       the sender address (From, else Sender), or empty
 * @param receivedAt when the mailbox received it, or null
 * @param schemaVersion the schema version, or empty
 */
public record EnvelopeSummary(String envelopeId, String subject, String from, Instant receivedAt,
                              String schemaVersion) {
}
