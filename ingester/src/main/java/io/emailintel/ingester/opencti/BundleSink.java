package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;

/** Where a bundle goes to reach OpenCTI. Returning normally means OpenCTI has it. */
public interface BundleSink extends AutoCloseable {

    /** How many work expectations one push of this bundle produces. */
    int expectations(StixBundle bundle);

    void push(String workId, StixBundle bundle) throws OpenCtiException;

    /** Throws when the way to OpenCTI is known to be broken (checked by the circuit's health probe). */
    default void checkReachable() throws OpenCtiException {
    }

    @Override
    default void close() {
    }
}
