package io.emailintel.fetcher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InFlightTest {

    private final InFlight<String> inFlight = new InFlight<>();

    @Test
    void cursorDoesNotPassAnUnconfirmedEnvelope() {
        var a = inFlight.submit("a");
        inFlight.submit("b");
        var c = inFlight.submit("c");
        inFlight.confirm(a);
        inFlight.confirm(c);

        assertThat(inFlight.committable()).containsExactly("a");
        assertThat(inFlight.pending()).isEqualTo(1);
    }

    @Test
    void confirmsOutOfOrderReleaseTheWholeRunOnceTheGapCloses() {
        var a = inFlight.submit("a");
        var b = inFlight.submit("b");
        var c = inFlight.submit("c");
        inFlight.confirm(c);
        inFlight.confirm(b);
        assertThat(inFlight.committable()).isEmpty();

        inFlight.confirm(a);
        assertThat(inFlight.committable()).containsExactly("a", "b", "c");
        assertThat(inFlight.committable()).isEmpty();
    }

    @Test
    void aReturnedEnvelopeBlocksEverythingBehindIt() {
        var a = inFlight.submit("a");
        var b = inFlight.submit("b");
        var c = inFlight.submit("c");
        inFlight.confirm(a);
        inFlight.fail(b);   // basic.return arrives before the ack of the same publish
        inFlight.confirm(b);
        inFlight.confirm(c);

        assertThat(inFlight.committable()).containsExactly("a");
        assertThat(inFlight.blocked()).isTrue();
        assertThat(inFlight.committable()).isEmpty();
        assertThat(inFlight.pending()).isZero();
    }

    @Test
    void aPageEndIsCommittableOnlyAfterEveryEnvelopeOfThePage() {
        var a = inFlight.submit("a");
        inFlight.submitSettled("end of page 1");
        assertThat(inFlight.committable()).isEmpty();

        inFlight.confirm(a);
        assertThat(inFlight.committable()).containsExactly("a", "end of page 1");
    }
}
