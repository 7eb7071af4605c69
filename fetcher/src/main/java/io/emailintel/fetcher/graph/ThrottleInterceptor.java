package io.emailintel.fetcher.graph;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.IntConsumer;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps within Outlook's throttling limits: at most {@link #MAX_CONCURRENT} requests open at a time (Graph allows 4
 * per app and mailbox, learn.microsoft.com/graph/throttling-limits; a request is open until its response body has
 * been read or closed, so the slot travels with the body: {@link SlotReleasingBody}), shared with other processes
 * through {@link RequestSlots}, and 429/503/504 answers retried after their {@code Retry-After} (seconds or an HTTP
 * date), at most {@code maxRetries} times, each wait capped at {@code maxWait}. Kiota's own RetryHandler is
 * switched off: it cannot take an injected sleeper and ignores HTTP-date Retry-After values.
 */
final class ThrottleInterceptor implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(ThrottleInterceptor.class);

    static final int MAX_CONCURRENT = 4;
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

    private final RequestSlots slots;
    private final int maxRetries;
    private final Duration maxWait;
    private final Sleeper sleeper;
    private final Clock clock;
    private final IntConsumer statuses;

    ThrottleInterceptor(int maxRetries, Duration maxWait, Sleeper sleeper, Clock clock, IntConsumer statuses) {
        this(new RequestSlots(MAX_CONCURRENT, null, null), maxRetries, maxWait, sleeper, clock, statuses);
    }

    ThrottleInterceptor(RequestSlots slots, int maxRetries, Duration maxWait, Sleeper sleeper, Clock clock,
                        IntConsumer statuses) {
        this.slots = slots;
        this.statuses = statuses;
        this.maxRetries = maxRetries;
        this.maxWait = maxWait;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        RequestSlots.Slot slot;
        try {
            slot = slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a Graph request slot");
        }
        try {
            for (int attempt = 0; ; attempt++) {
                Response response = chain.proceed(chain.request());
                int code = response.code();
                statuses.accept(code);
                if ((code != 429 && code != 503 && code != 504) || attempt >= maxRetries) {
                    if (response.body() == null) {
                        slot.close();
                        return response;
                    }
                    // the caller reads the body after this returns: the slot is given back when it is done
                    return response.newBuilder().body(new SlotReleasingBody(response.body(), slot)).build();
                }
                Duration wait = retryAfter(response.header("Retry-After"), clock, attempt);
                wait = wait.compareTo(maxWait) > 0 ? maxWait : wait;
                log.warn("Graph answered {} (throttled), retry {}/{} in {}", code, attempt + 1, maxRetries, wait);
                response.close();
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted during a throttling back-off");
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            slot.close();
            throw e;
        }
    }

    /** The wait a Retry-After header asks for; exponential from 2 s when absent or unreadable. */
    static Duration retryAfter(String header, Clock clock, int attempt) {
        if (header != null && !header.isBlank()) {
            String value = header.strip();
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(clock.instant(), at.toInstant());
                    return d.isNegative() ? Duration.ZERO : d;
                } catch (DateTimeParseException notDate) {
                    // fall through
                }
            }
        }
        return DEFAULT_WAIT.multipliedBy(1L << Math.min(attempt, 6));
    }
}
