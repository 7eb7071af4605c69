package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ThrottleInterceptorTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void retryAfterInSecondsIsHonoured() {
        assertThat(ThrottleInterceptor.retryAfter("30", clock, 0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        assertThat(ThrottleInterceptor.retryAfter("Sat, 28 Nov 2026 10:01:30 GMT", clock, 0))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(ThrottleInterceptor.retryAfter("Sat, 28 Nov 2026 09:00:00 GMT", clock, 0)).isZero();
    }

    @Test
    void withoutRetryAfterTheWaitGrowsExponentially() {
        assertThat(ThrottleInterceptor.retryAfter(null, clock, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(ThrottleInterceptor.retryAfter("soon", clock, 2)).isEqualTo(Duration.ofSeconds(8));
    }
}
