package io.emailintel.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final List<Duration> slept = new ArrayList<>();

    @Test
    void waitsDoubleFromTheFirstUpToTheMax() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(15), Duration.ofMinutes(5));
        assertThat(p.delayAfter(1)).isEqualTo(Duration.ofSeconds(15));
        assertThat(p.delayAfter(2)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.delayAfter(5)).isEqualTo(Duration.ofSeconds(240));
        assertThat(p.delayAfter(6)).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.delayAfter(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aCapShorterThanTheFirstWaitCapsEveryWait() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(15), Duration.ofMinutes(5)).cappedAt(Duration.ofSeconds(5));
        assertThat(p.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.delayAfter(4)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterStaysWithinItsShare() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(10)).withJitter(0.5);
        for (int i = 0; i < 200; i++) {
            assertThat(p.delayAfter(1).toMillis()).isBetween(50L, 150L);
            assertThat(p.delayAfter(2).toMillis()).isBetween(100L, 300L);
        }
    }

    @Test
    void runRetriesWhatThePolicyAcceptsAndWaitsThroughTheSleeper() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> heard = new ArrayList<>();
        String result = RetryPolicy.exponential(Duration.ofSeconds(2), Duration.ofMinutes(1))
                .retryOn(e -> e instanceof IOException)
                .run(() -> {
                    if (calls.incrementAndGet() < 4) {
                        throw new IOException("reset");
                    }
                    return "ok";
                }, slept::add, (e, failures, wait) -> heard.add(failures));
        assertThat(result).isEqualTo("ok");
        assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
        assertThat(heard).containsExactly(1, 2, 3);
    }

    @Test
    void aFailureThePolicyDoesNotRetryIsThrownAtOnce() {
        IllegalStateException fatal = new IllegalStateException("refused");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .retryOn(e -> e instanceof IOException)
                .run(() -> {
                    throw fatal;
                }, slept::add, (e, f, w) -> { })).isSameAs(fatal);
        assertThat(slept).isEmpty();
    }

    @Test
    void theLastFailureIsThrownWhenTheTriesRunOut() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofMillis(10)).withMaxAttempts(3)
                .run(() -> {
                    throw new IOException("try " + calls.incrementAndGet());
                }, slept::add, (e, f, w) -> { })).hasMessage("try 3");
        assertThat(slept).containsExactly(Duration.ofMillis(10), Duration.ofMillis(10));
    }

    @Test
    void badValuesAreRefusedWhenThePolicyIsBuilt() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("first wait must be positive, was PT0S");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max wait must be at least the first wait PT2S, was PT1S");
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofSeconds(1)).withMaxAttempts(0))
                .hasMessageContaining("max attempts must be at least 1, was 0");
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofSeconds(1)).withJitter(1.5))
                .hasMessageContaining("jitter must be in [0, 1), was 1.5");
    }
}
