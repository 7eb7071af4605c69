package io.emailintel.fetcher.graph;

import java.time.Duration;

/** Waits; injected so retry tests run in milliseconds. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());
}
