package io.emailintel.topology;

import java.io.IOException;

/**
 * A queue or exchange exists on the broker with other properties than this code declares. RabbitMQ refuses
 * to change a queue's arguments in place; the operator must delete it (after draining) or choose another
 * prefix.
 */
public class TopologyMismatchException extends IOException {

    private final String name;

    public TopologyMismatchException(String name, String brokerMessage, Throwable cause) {
        super("'" + name + "' already exists on the broker with different settings (" + brokerMessage
                + "). Drain and delete it, or use another pipeline.queue_prefix.", cause);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
