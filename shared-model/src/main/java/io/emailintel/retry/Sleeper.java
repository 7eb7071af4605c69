package io.emailintel.retry;

import java.time.Duration;

/** Waiting, injected so retry tests run in milliseconds. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;
}
