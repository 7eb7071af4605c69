package io.emailintel.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * One retry policy for both processes, shaped like resilience4j's {@code RetryConfig}: an immutable value
 * validated when it is built, that says which failures are tried again, how many times, and how long to wait
 * between tries (exponential back-off from {@code first}, ×{@code multiplier} each time, capped at {@code max},
 * optionally ±{@code jitter}). It never sleeps by itself: {@link #run} waits through an injected {@link Sleeper},
 * and code that must not block a thread asks {@link #delayAfter} and schedules the next try.
 */
public final class RetryPolicy {

    /** One try of the unit of work the policy wraps. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws Exception;
    }

    /** Hears every failure that will be tried again, before the wait. */
    @FunctionalInterface
    public interface Listener {
        void retrying(Throwable failure, int failures, Duration wait);
    }

    private final Duration first;
    private final double multiplier;
    private final Duration max;
    private final double jitter;
    private final int maxAttempts;
    private final Predicate<Throwable> retryOn;
    private final DoubleSupplier random;

    private RetryPolicy(Duration first, double multiplier, Duration max, double jitter, int maxAttempts,
                        Predicate<Throwable> retryOn, DoubleSupplier random) {
        if (first == null || first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("first wait must be positive, was " + first);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (max == null || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("max wait must be at least the first wait " + first + ", was " + max);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, was " + maxAttempts);
        }
        this.first = first;
        this.multiplier = multiplier;
        this.max = max;
        this.jitter = jitter;
        this.maxAttempts = maxAttempts;
        this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
        this.random = random;
    }

    /** Waits {@code first}, then twice as long each time up to {@code max}; every failure retried, forever. */
    public static RetryPolicy exponential(Duration first, Duration max) {
        return new RetryPolicy(first, 2.0, max, 0, Integer.MAX_VALUE, e -> true, () -> 0.5);
    }

    /** Waits {@code every} between tries; every failure retried, forever. */
    public static RetryPolicy fixed(Duration every) {
        return new RetryPolicy(every, 1.0, every, 0, Integer.MAX_VALUE, e -> true, () -> 0.5);
    }

    /** The same policy, each wait multiplied by a random factor in [1 − jitter, 1 + jitter]. */
    public RetryPolicy withJitter(double jitter) {
        return new RetryPolicy(first, multiplier, max, jitter, maxAttempts, retryOn,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The same policy with tries in all (the first one included) capped at {@code attempts}. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(first, multiplier, max, jitter, attempts, retryOn, random);
    }

    /** The same policy, retrying only failures that {@code retryable} accepts; others end the run at once. */
    public RetryPolicy retryOn(Predicate<Throwable> retryable) {
        return new RetryPolicy(first, multiplier, max, jitter, maxAttempts, retryable, random);
    }

    /** The same policy, never waiting longer than {@code cap} (e.g. a poll period); the first wait too. */
    public RetryPolicy cappedAt(Duration cap) {
        Duration capped = cap.compareTo(max) < 0 ? cap : max;
        Duration start = first.compareTo(capped) > 0 ? capped : first;
        return new RetryPolicy(start, multiplier, capped, jitter, maxAttempts, retryOn, random);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether a try that failed with {@code failure}, the {@code failures}-th failure in a row, gets another. */
    public boolean retries(Throwable failure, int failures) {
        return failures < maxAttempts && retryOn.test(failure);
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration delayAfter(int failures) {
        double millis = first.toMillis() * Math.pow(multiplier, Math.max(0, Math.min(failures - 1, 62)));
        millis = Math.min(millis, max.toMillis());
        if (jitter > 0) {
            millis = millis * (1 - jitter + 2 * jitter * random.getAsDouble());
        }
        return Duration.ofMillis(Math.max(1, Math.round(millis)));
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with what the policy does not retry (rethrown), or runs out
     * of tries (the last failure rethrown). Waits between tries through {@code sleeper}; an interrupt while
     * waiting ends the run with {@link InterruptedException}.
     */
    public <T> T run(Attempt<T> attempt, Sleeper sleeper, Listener listener) throws Exception {
        for (int failures = 1; ; failures++) {
            try {
                return attempt.run();
            } catch (Exception e) {
                if (e instanceof InterruptedException || !retries(e, failures)) {
                    throw e;
                }
                Duration wait = delayAfter(failures);
                listener.retrying(e, failures, wait);
                sleeper.sleep(wait);
            }
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy[first=" + first + ", x" + multiplier + ", max=" + max + ", jitter=" + jitter
                + ", attempts=" + (maxAttempts == Integer.MAX_VALUE ? "unlimited" : maxAttempts) + "]";
    }
}
