package io.emailintel.ingester.consume;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay without holding a thread while it waits (a back-off between two push tries runs on
 * the threads that settle deliveries, which must never sleep); injected so tests run at once.
 */
@FunctionalInterface
public interface Later {

    /** The JDK's delayed executor: one shared timer thread, the task itself runs on {@code then}. */
    Later SYSTEM = (delay, then) -> CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, then);

    /** No delay at all (tests). */
    Later NOW = (delay, then) -> then;

    /** An executor that runs each task on {@code then} once {@code delay} has passed. */
    Executor after(Duration delay, Executor then);
}
