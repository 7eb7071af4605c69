package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.ingester.opencti.OpenCtiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuickRetryTest {

    private final List<Duration> waits = new ArrayList<>();
    private final Sleeper recording = waits::add;
    private final OpenCtiCircuit circuit = new OpenCtiCircuit(() -> {
        throw OpenCtiException.unavailable("down", "down", null);
    }, d -> Thread.sleep(60_000), Duration.ofSeconds(1), new ConsumerGate());
    private final QuickRetry retry = new QuickRetry(circuit, recording, Later.NOW, 3, Duration.ofMillis(100));

    @AfterEach
    void close() {
        circuit.close();
    }

    private static OpenCtiCircuit.Call<String> failingTimes(int failures, AtomicInteger calls, OpenCtiException e) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw e;
            }
            return "ok";
        };
    }

    @Test
    void transientFailuresAreRetriedWithGrowingJitteredWaits() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertThat(retry.run("push", failingTimes(2, calls, OpenCtiException.unavailable("opencti-http-503", "503", null))))
                .isEqualTo("ok");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(waits).hasSize(2);
        // base 100 ms ±50 %, then 200 ms ±50 %
        assertThat(waits.get(0).toMillis()).isBetween(50L, 150L);
        assertThat(waits.get(1).toMillis()).isBetween(100L, 300L);
    }

    @Test
    void afterTheLastTryTheFailureIsPassedOn() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run("push", failingTimes(99, calls,
                OpenCtiException.unavailable("opencti-http-503", "503", null)))).isInstanceOf(OpenCtiException.class);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(waits).hasSize(2);
    }

    @Test
    void ambiguousFailuresAreLeftToTheRetryTiers() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run("push", failingTimes(99, calls,
                OpenCtiException.ambiguous("opencti-unsupported-error", "Invalid bundle"))))
                .isInstanceOf(OpenCtiException.class);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void finalFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run("push", failingTimes(99, calls,
                OpenCtiException.rejected("opencti-rejected", "no")))).isInstanceOf(OpenCtiException.class);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void noMoreTriesOnceTheCircuitHasOpened() {
        QuickRetry many = new QuickRetry(circuit, recording, Later.NOW, 10, Duration.ofMillis(100));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> many.run("push", failingTimes(99, calls,
                OpenCtiException.unavailable("opencti-http-500", "500", null)))).isInstanceOf(OpenCtiException.class);
        // the breaker opens after 4 recorded failures; the rest of the ten tries are not made
        assertThat(calls.get()).isEqualTo(4);
        assertThat(circuit.isOpen()).isTrue();
    }

    @Test
    void anAsynchronousRetryIsScheduledAfterItsBackOffNotSleptOnTheCallersThread() throws Exception {
        List<Duration> scheduled = new ArrayList<>();
        Later recordingLater = (delay, then) -> {
            scheduled.add(delay);
            return then;
        };
        QuickRetry async = new QuickRetry(circuit, d -> {
            throw new AssertionError("slept on a thread for " + d);
        }, recordingLater, 3, Duration.ofMillis(100));
        AtomicInteger calls = new AtomicInteger();

        String result = async.retryAsync("push", attempt -> calls.incrementAndGet() <= 2
                ? CompletableFuture.<String>failedFuture(OpenCtiException.unavailable("opencti-http-503", "503", null))
                : CompletableFuture.completedFuture("ok#" + attempt), Runnable::run).get();

        assertThat(result).isEqualTo("ok#3");
        assertThat(scheduled).hasSize(2);
        assertThat(scheduled.get(0).toMillis()).isBetween(50L, 150L);
        assertThat(scheduled.get(1).toMillis()).isBetween(100L, 300L);
        assertThat(waits).isEmpty();
    }

    @Test
    void anAsynchronousRetryPassesOnTheLastFailure() {
        QuickRetry async = new QuickRetry(circuit, recording, Later.NOW, 2, Duration.ofMillis(100));
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> result = async.retryAsync("push", attempt -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(OpenCtiException.unavailable("opencti-http-503", "503", null));
        }, Runnable::run);
        assertThatThrownBy(result::join).hasCauseInstanceOf(OpenCtiException.class);
        assertThat(calls.get()).isEqualTo(2);
    }
}
