package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.fetcher.fake.FakeGraph;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Throttling that really waits. Kiota's client factory sets a 100 s call timeout that spans the retries an
 * interceptor makes, so a Retry-After of 105 s failed the call. The fetcher's client has none. The real 100 s is
 * not replayed here (it would add two idle minutes to every build); instead the second test shows, under a real
 * clock, the failure a call timeout shorter than Retry-After causes, and that the client as built waits it out.
 */
class GraphClientsTest {

    private static ThrottleInterceptor throttle(Sleeper sleeper) {
        return new ThrottleInterceptor(3, Duration.ofMinutes(2), sleeper, Clock.systemUTC(), s -> { });
    }

    @Test
    void theFetchersClientHasNoCallTimeoutButKeepsItsConnectAndReadTimeouts() {
        OkHttpClient http = GraphClients.httpClient(throttle(TestMailboxes.NO_WAIT));

        assertThat(http.callTimeoutMillis()).isZero();
        assertThat(http.connectTimeoutMillis()).isPositive();
        assertThat(http.readTimeoutMillis()).isPositive();
    }

    private static GraphMailbox mailbox(FakeGraph graph, OkHttpClient http) {
        var client = GraphClients.client(URI.create(graph.baseUrl()), TestMailboxes.staticToken(), Clock.systemUTC(),
                http);
        return new GraphMailbox(client, graph.baseUrl(), TestMailboxes.MAILBOX, "inbox", 10, 10,
                TestMailboxes.policy(List.of("text/plain")), Clock.systemUTC());
    }

    @Test
    void aRetryAfterLongerThanACallTimeoutIsWaitedOutUnderARealClock() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z"), "advisory");
            OkHttpClient built = GraphClients.httpClient(throttle(Sleeper.SYSTEM));

            // Kiota's default, scaled down: a call timeout shorter than the Retry-After
            graph.throttleNext(1, "3");
            OkHttpClient withCallTimeout = built.newBuilder().callTimeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> mailbox(graph, withCallTimeout).listSince(Instant.EPOCH))
                    .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof InterruptedIOException));

            graph.throttleNext(1, "3");
            long start = System.nanoTime();
            assertThat(mailbox(graph, built).listSince(Instant.EPOCH).items()).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> out = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 20; t = t.getCause()) {
            out.add(t);
        }
        return out;
    }
}
