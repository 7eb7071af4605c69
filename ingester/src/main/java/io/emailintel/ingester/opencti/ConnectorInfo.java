package io.emailintel.ingester.opencti;

/**
 * What every ping tells the platform about the connector ({@code ConnectorInfoInput} of {@code pingConnector};
 * filled as pycti's {@code ConnectorInfo}/{@code check_connector_buffering} fill it,
 * pycti/connector/opencti_connector_helper.py 6.8): the queue in decimal MB (bytes / 1,000,000), and buffering
 * while that size is at or above the threshold. The ingester consumes continuously, so it has no run schedule:
 * {@code run_and_terminate} is false and the run times are null, as pycti's defaults.
 *
 * @param runAndTerminate   {@code run_and_terminate}
 * @param buffering         {@code buffering}: consumption paused because the platform's queue is full
 * @param queueThresholdMb  {@code queue_threshold}: CONNECTOR_QUEUE_THRESHOLD, MB
 * @param queueMessagesSize {@code queue_messages_size}: the connector's queue on the platform, MB
 * @param nextRunDatetime   {@code next_run_datetime}, ISO-8601 or null
 * @param lastRunDatetime   {@code last_run_datetime}, ISO-8601 or null
 */
public record ConnectorInfo(boolean runAndTerminate, boolean buffering, double queueThresholdMb,
                            double queueMessagesSize, String nextRunDatetime, String lastRunDatetime) {

    /** pycti divides the queue's bytes by 10^6: "Convert queue_messages_size to Mo (decimal)". */
    static final double BYTES_PER_MB = 1_000_000d;

    /** Before the queue was read: pycti's defaults with our threshold. */
    static ConnectorInfo initial(double thresholdMb) {
        return new ConnectorInfo(false, false, thresholdMb, 0d, null, null);
    }

    /** After reading the queue: buffering when its size is at or above the threshold (pycti: not {@code <}). */
    ConnectorInfo withQueueBytes(long bytes) {
        double mb = bytes / BYTES_PER_MB;
        return new ConnectorInfo(runAndTerminate, mb >= queueThresholdMb, queueThresholdMb, mb, nextRunDatetime,
                lastRunDatetime);
    }
}
