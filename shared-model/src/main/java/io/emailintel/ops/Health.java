package io.emailintel.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readiness of a process as a set of named checks ({@code broker}, {@code opencti}, {@code last-cycle}, …),
 * each set by the component that knows. The process is ready when every check is up. Thread-safe.
 */
public final class Health {

    /**
     * One check's state.
     *
     * @param up     whether this part works
     * @param detail a short human-readable explanation (never a secret)
     */
    public record Check(boolean up, String detail) {
    }

    private final Map<String, Check> checks = new ConcurrentHashMap<>();

    /** Declares a check, initially down, so readiness waits for it. */
    public Health require(String name, String detail) {
        checks.putIfAbsent(name, new Check(false, detail));
        return this;
    }

    public void up(String name, String detail) {
        checks.put(name, new Check(true, detail));
    }

    public void down(String name, String detail) {
        checks.put(name, new Check(false, detail));
    }

    /**
     * Makes the check {@code name} follow a broker connection: up now, down when the connection is lost, up
     * again when amqp-client's automatic recovery has restored it.
     */
    public void follow(String name, com.rabbitmq.client.Connection connection) {
        up(name, "connected");
        connection.addShutdownListener(cause -> down(name, "connection lost, recovering"));
        if (connection instanceof com.rabbitmq.client.Recoverable recoverable) {
            recoverable.addRecoveryListener(new com.rabbitmq.client.RecoveryListener() {
                @Override
                public void handleRecovery(com.rabbitmq.client.Recoverable r) {
                    up(name, "connected (recovered)");
                }

                @Override
                public void handleRecoveryStarted(com.rabbitmq.client.Recoverable r) {
                    // reported by the shutdown listener
                }
            });
        }
    }

    public boolean ready() {
        return checks.values().stream().allMatch(Check::up);
    }

    /** The checks in name order. */
    public Map<String, Check> checks() {
        Map<String, Check> sorted = new LinkedHashMap<>();
        checks.keySet().stream().sorted().forEach(k -> sorted.put(k, checks.get(k)));
        return sorted;
    }
}
