package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One beat: read the connector's queue size on the platform for back-pressure, then ping with the connector's
 * state and {@link ConnectorInfo} (pycti every 40 s). Scheduling is the caller's.
 *
 * <p>{@code pingConnector} overwrites the stored state with whatever it is sent (opencti-graphql
 * {@code domain/connector} {@code updateConnectorWithConnectorInfo}), so every ping sends back the state
 * {@code registerConnector} returned: a migrated Python connector's {@code {"last_email_ingestion": …}} survives,
 * and rolling back to it does not re-import 30 days. When an operator resets the state in the UI the platform
 * sets it to {@code ""} with {@code connector_state_reset}, keeps it through the next ping and answers it: as
 * pycti's ping loop does, a state in the answer that differs from the one sent is adopted.
 */
public final class Heartbeat implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** What pycti sends without a state: {@code json.dumps(None)}. */
    static final String NO_STATE = "null";

    private final ConnectorApi api;
    private final String connectorId;
    private final Consumer<Boolean> overloaded;
    private volatile String state;
    private volatile ConnectorInfo info;

    /**
     * @param registeredState the state {@code registerConnector} returned (null or empty: none)
     * @param thresholdMb     {@code CONNECTOR_QUEUE_THRESHOLD}, decimal MB
     * @param overloaded      told true while the platform's queue is at or above the threshold, false below it
     */
    public Heartbeat(ConnectorApi api, String connectorId, String registeredState, double thresholdMb,
                     Consumer<Boolean> overloaded) {
        this.api = api;
        this.connectorId = connectorId;
        this.state = orNone(registeredState);
        this.info = ConnectorInfo.initial(thresholdMb);
        this.overloaded = overloaded;
    }

    /** The state the next ping sends. */
    String state() {
        return state;
    }

    /** The connector info the next ping sends. */
    ConnectorInfo info() {
        return info;
    }

    @Override
    public void run() {
        try {
            ConnectorInfo now = info.withQueueBytes(api.queueBytes(connectorId));
            if (now.buffering()) {
                log.warn("OpenCTI's queue for this connector holds {} MB (threshold {} MB): pausing consumption",
                        String.format("%.1f", now.queueMessagesSize()), now.queueThresholdMb());
            }
            info = now;
            overloaded.accept(now.buffering());
        } catch (OpenCtiException | RuntimeException e) {
            log.warn("reading OpenCTI's queue size failed: {}", e.getMessage());
        }
        try {
            String sent = state;
            ConnectorApi.PingAnswer answer = api.ping(connectorId, sent, info);
            if (answer.stateReset() || !sameJson(answer.connectorState(), sent)) {
                state = orNone(answer.connectorState());
                log.info("the connector state was changed on the platform (reset: {}); sending it back from now on",
                        answer.stateReset());
            }
        } catch (OpenCtiException e) {
            log.warn("OpenCTI ping failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("OpenCTI ping failed", e);
        }
    }

    private static String orNone(String state) {
        return state == null || state.isBlank() ? NO_STATE : state;
    }

    /** pycti compares the parsed states: "" and "null" both mean none, formatting does not count. */
    static boolean sameJson(String a, String b) {
        return parsed(a).equals(parsed(b));
    }

    private static JsonNode parsed(String s) {
        if (s == null || s.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode n = JSON.readTree(s);
            return n == null ? NullNode.getInstance() : n;
        } catch (java.io.IOException e) {
            return JSON.getNodeFactory().textNode(s);
        }
    }
}
