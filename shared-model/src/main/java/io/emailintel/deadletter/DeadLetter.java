package io.emailintel.deadletter;

import java.time.Instant;
import java.util.Map;

/**
 * One message in the dead-letter queue as an operator sees it: who sent the e-mail, what it was, and why it
 * could not be ingested. Attachment bytes are never part of it.
 *
 * @param envelopeId       the envelope id (the AMQP message id), or empty for a message that is not ours
 * @param receivedAt       when the mailbox received the e-mail, or null when unknown
 * @param sender           the sender address, or empty
 * @param subject          the subject, or empty
 * @param reason           why it was dead-lettered: our failure reason header, else the broker's
 *                         ({@code rejected}, {@code delivery_limit}, …), else {@code unknown}
 * @param attempts         ingestion attempts recorded
 * @param firstFailureAt   first failure, or null
 * @param lastFailureAt    last failure (or when the broker dead-lettered it), or null
 * @param stage            where it failed (decode, build, push, …), or empty
 * @param exceptionClass   the exception behind the last failure, or empty
 * @param exceptionMessage its message, or empty
 * @param replayCount      how often it has been replayed already
 * @param bodySize         the message size in bytes
 * @param headers          every AMQP header, as text
 */
public record DeadLetter(String envelopeId, Instant receivedAt, String sender, String subject, String reason,
                         int attempts, Instant firstFailureAt, Instant lastFailureAt, String stage,
                         String exceptionClass, String exceptionMessage, int replayCount, long bodySize,
                         Map<String, String> headers) {

    public DeadLetter {
        headers = Map.copyOf(headers);
    }
}
