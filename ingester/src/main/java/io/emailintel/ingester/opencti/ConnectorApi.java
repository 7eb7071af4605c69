package io.emailintel.ingester.opencti;

/** The connector's own calls to the platform that the {@link Heartbeat} makes ({@link OpenCtiClient}). */
public interface ConnectorApi {

    /** What {@code pingConnector} answered: the connector's state as the platform now holds it. */
    record PingAnswer(String connectorState, boolean stateReset) {
    }

    PingAnswer ping(String connectorId, String state, ConnectorInfo info) throws OpenCtiException;

    /** Bytes waiting in the platform's queue for this connector. */
    long queueBytes(String connectorId) throws OpenCtiException;
}
