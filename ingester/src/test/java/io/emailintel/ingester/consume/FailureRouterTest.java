package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import io.emailintel.ingester.consume.FailureRouter.Destination;
import io.emailintel.ingester.opencti.OpenCtiException;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where failures send envelopes (the publishing itself is covered by IngesterIT against a real broker). */
class FailureRouterTest {

    private final FailureRouter router = new FailureRouter(null, new Topology("t", List.of(Duration.ofSeconds(10))),
            3, Clock.systemUTC(), "test", Duration.ofSeconds(1));

    private static Failure of(Failure.Kind kind) {
        return new Failure(kind, "r", "push", new IOException("x"));
    }

    @Test
    void poisonGoesToTheDeadLetterQueueAtOnce() {
        assertThat(router.destinationOf(of(Failure.Kind.POISON), 0)).isEqualTo(Destination.DEAD_LETTER);
    }

    @Test
    void transientFailuresRetryUntilMaxAttempts() {
        assertThat(router.destinationOf(of(Failure.Kind.TRANSIENT), 0)).isEqualTo(Destination.RETRY);
        assertThat(router.destinationOf(of(Failure.Kind.TRANSIENT), 1)).isEqualTo(Destination.RETRY);
        assertThat(router.destinationOf(of(Failure.Kind.TRANSIENT), 2)).isEqualTo(Destination.DEAD_LETTER);
    }

    @Test
    void ambiguousFailuresRetryThroughTheTiersThenDeadLetterSayingTheCauseStayedUnknown() {
        Failure unsupported = Failure.classify(OpenCtiException.ambiguous("opencti-unsupported-error",
                "OpenCTI GraphQL error UNSUPPORTED_ERROR: Invalid bundle"), "push");
        assertThat(router.destinationOf(unsupported, 0)).isEqualTo(Destination.RETRY);
        assertThat(router.destinationOf(unsupported, 1)).isEqualTo(Destination.RETRY);
        assertThat(router.destinationOf(unsupported, 2)).isEqualTo(Destination.DEAD_LETTER);
        assertThat(unsupported.reason()).isEqualTo("opencti-unsupported-error");
        assertThat(unsupported.deadLetterReason()).isEqualTo("opencti-unsupported-error-after-retries");
        assertThat(of(Failure.Kind.TRANSIENT).deadLetterReason()).isEqualTo("r");
    }

    @Test
    void deferredEnvelopesGoBackToTheWorkQueueWhateverTheirAttempts() {
        assertThat(router.destinationOf(of(Failure.Kind.DEFERRED), 99)).isEqualTo(Destination.WORK_QUEUE);
    }

    @Test
    void attemptsAreReadFromNumbersOrText() {
        assertThat(FailureRouter.attemptsOf(new AMQP.BasicProperties())).isZero();
        assertThat(FailureRouter.attemptsOf(props(Map.of(Headers.ATTEMPTS, 2)))).isEqualTo(2);
        assertThat(FailureRouter.attemptsOf(props(Map.of(Headers.ATTEMPTS, 3L)))).isEqualTo(3);
        assertThat(FailureRouter.attemptsOf(props(Map.of(Headers.ATTEMPTS, "4")))).isEqualTo(4);
        assertThat(FailureRouter.attemptsOf(props(Map.of(Headers.ATTEMPTS, "junk")))).isZero();
    }

    private static AMQP.BasicProperties props(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().headers(headers).build();
    }
}
