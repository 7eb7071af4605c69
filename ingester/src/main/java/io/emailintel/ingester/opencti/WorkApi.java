package io.emailintel.ingester.opencti;

/** The three work operations {@link Works} needs: OpenCTI's, or local stand-ins for a directory output. */
public interface WorkApi {

    String workAdd(String connectorId, String friendlyName) throws OpenCtiException;

    void addExpectations(String workId, int expectations) throws OpenCtiException;

    void toProcessed(String workId, String message, boolean inError) throws OpenCtiException;
}
