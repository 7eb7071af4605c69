package io.emailintel.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * Samples a count (distinct reports) every 100 ms on its own thread and keeps the longest stretch in which it did
 * not grow, from the first increase to the last: how long a failover stopped the pipeline, as a user would see it.
 */
final class ProgressWatch implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stop;
    private volatile Duration longest = Duration.ZERO;

    ProgressWatch(IntSupplier count) {
        thread = new Thread(() -> {
            int last = count.getAsInt();
            Instant lastChange = null;
            while (!stop) {
                int now = count.getAsInt();
                Instant t = Instant.now();
                if (now > last) {
                    if (lastChange != null) {
                        Duration gap = Duration.between(lastChange, t);
                        if (gap.compareTo(longest) > 0) {
                            longest = gap;
                        }
                    }
                    lastChange = t;
                    last = now;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "progress-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The longest time between two consecutive increases so far. */
    Duration longestStall() {
        return longest;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5_000);
    }
}
