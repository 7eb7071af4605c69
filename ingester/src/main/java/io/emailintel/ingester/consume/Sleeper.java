package io.emailintel.ingester.consume;

import java.time.Duration;

/** Waiting, injected so retry and circuit tests run in milliseconds. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
