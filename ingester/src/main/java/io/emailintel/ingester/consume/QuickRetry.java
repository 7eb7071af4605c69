package io.emailintel.ingester.consume;

import io.emailintel.retry.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;

/**
 * A few quick in-process tries of an OpenCTI call through the circuit: only transient failures are retried,
 * waiting a jittered exponential backoff (the shared {@link RetryPolicy}: base, ×2 each time, ±50%, as
 * resilience4j's {@code IntervalFunction.ofExponentialRandomBackoff} that was used before). Stops early when the
 * circuit has opened. {@link #run} waits through the injected {@link Sleeper} (the caller's own thread);
 * {@link #retryAsync} schedules the next try through {@link Later}, so no thread sleeps meanwhile.
 */
final class QuickRetry {

    private final OpenCtiCircuit circuit;
    private final Sleeper sleeper;
    private final Later later;
    private final RetryPolicy policy;

    QuickRetry(OpenCtiCircuit circuit, Sleeper sleeper, Later later, int attempts, Duration base) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.circuit = circuit;
        this.sleeper = sleeper;
        this.later = later;
        // no cap of its own worth speaking of: the few attempts bound the waits
        this.policy = RetryPolicy.exponential(base, base.multipliedBy(1L << 20)).withJitter(0.5)
                .withMaxAttempts(attempts);
    }

    private RetryPolicy forStage(String stage) {
        return policy.retryOn(e -> Failure.classify(e, stage).kind() == Failure.Kind.TRANSIENT && !circuit.isOpen());
    }

    <T> T run(String stage, OpenCtiCircuit.Call<T> call) throws Exception {
        return forStage(stage).run(() -> circuit.call(call), sleeper::sleep, (e, failures, wait) -> { });
    }

    /**
     * Try {@code attempt} is {@code tryNumber.apply(n)}; a failed try that the policy retries is made again after
     * its back-off, scheduled on {@code executor} through {@link Later}. The future fails with the last failure.
     */
    <T> CompletableFuture<T> retryAsync(String stage, IntFunction<CompletableFuture<T>> tryNumber, Executor executor) {
        return attempt(forStage(stage), tryNumber, 1, executor);
    }

    private <T> CompletableFuture<T> attempt(RetryPolicy stagePolicy, IntFunction<CompletableFuture<T>> tryNumber,
                                             int attempt, Executor executor) {
        CompletableFuture<T> tried;
        try {
            tried = tryNumber.apply(attempt);
        } catch (RuntimeException e) {
            tried = CompletableFuture.failedFuture(e);
        }
        return tried.exceptionallyCompose(error -> {
            Throwable cause = EnvelopeProcessor.unwrap(error);
            if (!stagePolicy.retries(cause, attempt)) {
                return CompletableFuture.failedFuture(cause);
            }
            Executor delayed = later.after(stagePolicy.delayAfter(attempt), executor);
            return CompletableFuture.supplyAsync(() -> attempt(stagePolicy, tryNumber, attempt + 1, executor),
                    delayed).thenCompose(f -> f);
        });
    }
}
