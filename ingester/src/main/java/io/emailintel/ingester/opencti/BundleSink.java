package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;
import java.util.concurrent.CompletableFuture;

/** Where a bundle goes to reach OpenCTI. Returning normally means OpenCTI has it. */
public interface BundleSink extends AutoCloseable {

    /**
     * Pushes the bundle. {@code workId} is the ingester's OpenCTI work for the e-mail's cycle (null when none
     * could be opened); only the api protocol names it, because {@code stixBundlePush} gives every bundle a work
     * anyway (docs/OPENCTI-WORKS.md). amqp push messages name no work.
     */
    void push(String workId, StixBundle bundle) throws OpenCtiException;

    /**
     * Sends the bundle and returns at once: the future completes when OpenCTI has it (for the amqp protocol:
     * every message confirmed by the platform's broker and none returned) and fails with an
     * {@link OpenCtiException} otherwise. By default the bundle is pushed synchronously, on the caller's thread.
     */
    default CompletableFuture<Void> pushAsync(String workId, StixBundle bundle) {
        try {
            push(workId, bundle);
            return CompletableFuture.completedFuture(null);
        } catch (OpenCtiException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Throws when the way to OpenCTI is known to be broken (checked by the circuit's health probe). */
    default void checkReachable() throws OpenCtiException {
    }

    @Override
    default void close() {
    }
}
