package io.emailintel.fetcher.graph;

import io.emailintel.model.Envelope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One mailbox folder, read-only: the port between the fetch cycle and Microsoft Graph. Pages are the unit of
 * memory: a caller holds a few at a time. Implementations are called from several threads at once.
 */
public interface Mailbox {

    /** A message as a page lists it; {@code removed} for delta's {@code @removed} entries. */
    record Item(String id, Instant receivedAt, boolean removed, Object source) {
    }

    /** One page; {@code nextLink} null on the last page; {@code deltaLink} only on the last page of a delta round. */
    record Page(List<Item> items, String nextLink, String deltaLink) {
    }

    /** Messages received at or after {@code since}, oldest first. */
    Page listSince(Instant since);

    /** Delta round over the folder (ids and receivedDateTime only). */
    Page deltaStart();

    /** Follows a next link of either kind, or a stored delta link. */
    Page follow(String link, boolean delta);

    /**
     * The envelope for a listed item, its attachments fetched as the policy allows; empty when the message
     * is gone by now (deleted or moved away since it was listed).
     */
    Optional<Envelope> envelope(Item item, String fetchCycleId);

    /**
     * Roughly how many bytes the item's envelope will hold (body and attachments to download), so that readers
     * working ahead can bound their memory; unknown is zero.
     */
    default long expectedBytes(Item item) {
        return 0;
    }

    /**
     * Whether the delta query is offered. Without it (watermark mode) every cycle lists the folder from the
     * watermark, and the delta round is empty.
     */
    default boolean offersDelta() {
        return true;
    }

    /** How many messages the folder holds, for progress reports; empty when unknown. */
    default java.util.OptionalLong totalItems() {
        return java.util.OptionalLong.empty();
    }

    /** The delta link was rejected (expired or unknown token): start a new round. */
    final class DeltaExpiredException extends RuntimeException {
        public DeltaExpiredException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
