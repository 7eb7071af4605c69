package io.emailintel.ingester.consume;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * A few quick in-process tries of an OpenCTI call through the circuit: only transient failures are retried,
 * waiting a jittered exponential backoff (resilience4j's {@link IntervalFunction}: base, ×2 each time, ±50%)
 * through the injected {@link Sleeper}. Stops early when the circuit has opened.
 */
final class QuickRetry {

    private final OpenCtiCircuit circuit;
    private final Sleeper sleeper;
    private final int attempts;
    private final IntervalFunction backoff;

    QuickRetry(OpenCtiCircuit circuit, Sleeper sleeper, int attempts, Duration base) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.circuit = circuit;
        this.sleeper = sleeper;
        this.attempts = attempts;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(base, 2.0, 0.5);
    }

    <T> T run(String stage, OpenCtiCircuit.Call<T> call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return circuit.call(call);
            } catch (Exception e) {
                if (!retries(e, stage, attempt)) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    /** Whether try number {@code attempt} that failed with {@code e} gets another one. */
    boolean retries(Throwable e, String stage, int attempt) {
        Failure f = Failure.classify(e, stage);
        return f.kind() == Failure.Kind.TRANSIENT && attempt < attempts && !circuit.isOpen();
    }

    /** The backoff after failed try number {@code attempt}. */
    void pause(int attempt) throws InterruptedException {
        sleeper.sleep(Duration.ofMillis(backoff.apply(attempt)));
    }
}
