package io.emailintel.ingester.opencti;

/**
 * The work operations {@link Works} needs: OpenCTI's, or local stand-ins for a directory output. There is no
 * {@code addExpectations}: no push names a work, so a work has none (docs/OPENCTI-WORKS.md).
 */
public interface WorkApi {

    String workAdd(String connectorId, String friendlyName) throws OpenCtiException;

    /** Whether the platform still tracks the work (opencti.graphql: {@code isWorkAlive(id: ID!): Boolean}). */
    boolean isWorkAlive(String workId) throws OpenCtiException;

    void toProcessed(String workId, String message, boolean inError) throws OpenCtiException;
}
