package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;
import java.util.concurrent.CompletableFuture;

/** Where a bundle goes to reach OpenCTI. A push that completes normally means OpenCTI has it. */
public interface BundleSink extends AutoCloseable {


    /**
     * Sends the bundle and returns at once: the future completes when OpenCTI has it (for the amqp protocol:
     * every message confirmed by the platform's broker and none returned) and fails with an
     * {@link OpenCtiException} otherwise. It never throws itself.
     */
    CompletableFuture<Void> push(String workId, StixBundle bundle);

    /** Throws when the way to OpenCTI is known to be broken (checked by the circuit's health probe). */
    default void checkReachable() throws OpenCtiException {
    }

    @Override
    default void close() {
    }
}
