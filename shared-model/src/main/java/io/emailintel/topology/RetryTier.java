package io.emailintel.topology;

import java.time.Duration;

/**
 * One retry tier: a queue nobody consumes, whose messages expire after {@link #delay()} and are
 * dead-lettered back to the work queue.
 *
 * @param index      0 for the first tier (the first retry), 1 for the second, …
 * @param delay      how long a message waits in this tier
 * @param queue      the queue name
 * @param routingKey the routing key that reaches it on the pipeline exchange
 */
public record RetryTier(int index, Duration delay, String queue, String routingKey) {

    /** A short label for a delay, used in names: {@code 10s}, {@code 1m}, {@code 1h30m}, {@code 250ms}. */
    static String label(Duration delay) {
        long ms = delay.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder out = new StringBuilder();
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(m).append('m');
        }
        if (sec > 0 || out.length() == 0) {
            out.append(sec).append('s');
        }
        return out.toString();
    }
}
