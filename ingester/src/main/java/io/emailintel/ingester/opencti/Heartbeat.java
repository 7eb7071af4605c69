package io.emailintel.ingester.opencti;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One beat: ping the platform with the connector's state (pycti every 40 s) and read the connector's queue
 * size for back-pressure. Scheduling is the caller's.
 */
public final class Heartbeat implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final OpenCtiClient client;
    private final String connectorId;
    private final long thresholdBytes;
    private final Consumer<Boolean> overloaded;

    /**
     * @param thresholdMb {@code CONNECTOR_QUEUE_THRESHOLD}
     * @param overloaded  told true while the platform's queue exceeds the threshold, false once it drained
     */
    public Heartbeat(OpenCtiClient client, String connectorId, int thresholdMb, Consumer<Boolean> overloaded) {
        this.client = client;
        this.connectorId = connectorId;
        this.thresholdBytes = thresholdMb * 1024L * 1024L;
        this.overloaded = overloaded;
    }

    @Override
    public void run() {
        try {
            client.ping(connectorId, "{}");
            long bytes = client.queueBytes(connectorId);
            boolean over = bytes > thresholdBytes;
            if (over) {
                log.warn("OpenCTI's queue for this connector holds {} MB (threshold {} MB): pausing consumption",
                        bytes / (1024 * 1024), thresholdBytes / (1024 * 1024));
            }
            overloaded.accept(over);
        } catch (OpenCtiException e) {
            log.warn("OpenCTI ping failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("OpenCTI ping failed", e);
        }
    }
}
